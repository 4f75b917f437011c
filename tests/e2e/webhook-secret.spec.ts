import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import Stripe from 'stripe';
import { e2eEmulatorPort } from '../../playwright.config';
import { signUp } from './helpers';
import { e2eStripeKey } from './raw-http';

// What the demo signed with before each install had its own secret; anyone could read it in the source.
const formerConstantSecret = 'whsec_credits_emulator_local';
// Made on first use: the demo's key exists only once the e2e server has started.
let client: Stripe | undefined;
const emulatorStripe = () =>
	(client ??= new Stripe(e2eStripeKey(), {
		host: '127.0.0.1',
		port: e2eEmulatorPort,
		protocol: 'http'
	}));

/** A `checkout.session.completed` saying the signed-in buyer's open session was paid, as an attacker would write it. */
async function forgePaidCheckout(page: Page) {
	await page.getByRole('button', { name: 'Buy Standard' }).click();
	await expect(page).toHaveURL(/\/checkout\/pay\/cs_test_/);
	const sessionId = new URL(page.url()).pathname.split('/').pop() ?? '';
	const session = await emulatorStripe().checkout.sessions.retrieve(sessionId);
	return JSON.stringify({
		id: `evt_forged_${sessionId}`,
		object: 'event',
		type: 'checkout.session.completed',
		api_version: '2026-10-28.endive',
		created: Math.floor(Date.now() / 1000),
		livemode: false,
		pending_webhooks: 1,
		request: { id: null, idempotency_key: null },
		data: { object: { ...session, status: 'complete', payment_status: 'paid' } }
	});
}

function deliver(page: Page, payload: string, secret: string) {
	const signature = emulatorStripe().webhooks.generateTestHeaderString({ payload, secret });
	return page.request.post('/api/webhooks/stripe', {
		data: payload,
		headers: { 'content-type': 'application/json', 'stripe-signature': signature }
	});
}

async function balance(page: Page) {
	await page.goto('/settings/credits');
	return Number((await page.getByTestId('balance').innerText()).replace(/[^\d-]/g, ''));
}

test('a checkout event signed with the old constant demo secret is refused and credits nothing', async ({
	page
}) => {
	await signUp(page);
	const before = await balance(page);
	const payload = await forgePaidCheckout(page);

	const forged = await deliver(page, payload, formerConstantSecret);
	expect(forged.status()).toBe(400);
	expect(await forged.json()).toMatchObject({ error: { code: 'invalid_signature' } });
	expect(await balance(page)).toBe(before);

	// The same event signed with this install's own secret goes through: the secret alone made the difference.
	const installSecret = readFileSync('tests/.tmp/stripe-webhook-secret', 'utf8').trim();
	expect(installSecret).not.toBe(formerConstantSecret);
	expect((await deliver(page, payload, installSecret)).status()).toBe(200);
	expect(await balance(page)).toBe(before + 500);
});
