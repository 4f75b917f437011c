import { expect, test } from '@playwright/test';
import type Stripe from 'stripe';
import { startEmulator, type RunningEmulator } from '../../tools/stripe-emulator/server';
import {
	SECRET_KEY,
	connectStripe,
	createPrice,
	createSession
} from '../../tools/stripe-emulator/testing';

let emulator: RunningEmulator;
let stripe: Stripe;
let price: Stripe.Price;

test.beforeAll(async () => {
	emulator = await startEmulator({ port: 0, secretKeys: [SECRET_KEY] });
	stripe = connectStripe(emulator);
	price = await createPrice(stripe, 999, 'usd', '100 credits');
});
test.afterAll(async () => {
	await emulator.close();
});

function openSession() {
	return createSession(stripe, price, {
		success_url: `${emulator.url}/?paid={CHECKOUT_SESSION_ID}`,
		cancel_url: `${emulator.url}/?cancelled=1`
	});
}

test('pays on the hosted Checkout page after a declined card', async ({ page }) => {
	const session = await openSession();
	await page.goto(session.url ?? '');
	await expect(page.getByText('100 credits')).toBeVisible();
	await expect(page.getByText('$9.99').first()).toBeVisible();

	await page.getByLabel('Email').fill('buyer@example.com');
	await page.getByLabel('Card number').fill('4000 0000 0000 0002');
	await page.getByRole('button', { name: 'Pay', exact: true }).click();
	await expect(page.getByRole('alert')).toHaveText('Your card was declined.');
	expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('open');

	await page.getByLabel('Card number').fill('4242 4242 4242 4242');
	await page.getByRole('button', { name: 'Pay', exact: true }).click();
	await expect(page).toHaveURL(`${emulator.url}/?paid=${session.id}`);
	const paid = await stripe.checkout.sessions.retrieve(session.id);
	expect(paid).toMatchObject({
		status: 'complete',
		payment_status: 'paid',
		customer_details: { email: 'buyer@example.com' }
	});
});

test('cancels back to the merchant', async ({ page }) => {
	const session = await openSession();
	await page.goto(session.url ?? '');
	await page.getByRole('button', { name: 'Cancel' }).click();
	await expect(page).toHaveURL(`${emulator.url}/?cancelled=1`);
});

test('completes a delayed payment unpaid, then shows the session as complete', async ({ page }) => {
	const session = await openSession();
	await page.goto(session.url ?? '');
	await page.getByLabel('Email').fill('slow@example.com');
	await page.getByLabel('Simulate a delayed payment (bank debit)').check();
	await page.getByRole('button', { name: 'Pay', exact: true }).click();
	await expect(page).toHaveURL(`${emulator.url}/?paid=${session.id}`);
	expect((await stripe.checkout.sessions.retrieve(session.id)).payment_status).toBe('unpaid');
	await page.goto(`${emulator.url}/checkout/pay/${session.id}`);
	await expect(page.getByRole('heading', { name: 'Payment complete' })).toBeVisible();
});
