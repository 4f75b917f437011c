import { readFileSync } from 'node:fs';
import { expect, test, type Browser, type Page } from '@playwright/test';
import Stripe from 'stripe';
import { e2eEmulatorPort } from '../../playwright.config';
import { signInAsListedAdmin, signUp } from './helpers';
import { firstE2e, queryE2e } from './e2e-db';
import { rawRequest, signUpRaw } from './raw-http';

const emulator = `http://127.0.0.1:${e2eEmulatorPort}`;
const welcomeBonus = 50;
const signer = new Stripe('sk_test_signing_only');

async function balance(page: Page) {
	await page.goto('/settings/credits');
	return Number((await page.getByTestId('balance').innerText()).replace(/[^\d-]/g, ''));
}

function purchaseOf(email: string) {
	return firstE2e<string>(
		'select p.id from purchases p join users u on u.id = p.user_id where u.email = ? order by p.created_at desc',
		email
	);
}

/** A buyer in their own browser who has opened checkout for Standard (500 credits, $39.99). */
async function buyerAtCheckout(browser: Browser) {
	const page = await (await browser.newContext()).newPage();
	const email = await signUp(page);
	await page.getByRole('button', { name: 'Buy Standard' }).click();
	await expect(page).toHaveURL(new RegExp(`^${emulator}/`));
	return { page, email, purchaseId: await purchaseOf(email) };
}

/** A buyer over plain HTTP (no browser: quicker) with an open, unpaid checkout for Standard. */
async function pendingPurchase(baseURL: string) {
	const buyer = await signUpRaw(baseURL);
	const response = await rawRequest(baseURL, {
		method: 'POST',
		path: '/settings/credits?/buy',
		headers: {
			origin: new URL(baseURL).origin,
			accept: 'text/html',
			'content-type': 'application/x-www-form-urlencoded',
			cookie: buyer.cookie
		},
		body: 'packageId=standard'
	});
	expect(response.status).toBe(303);
	return { email: buyer.email, purchaseId: await purchaseOf(buyer.email) };
}

/**
 * A full refund of a charge Stripe has not reported succeeded, for a purchase not credited yet: the
 * only reversal that cannot credit first, so the webhook answers 500 and stores it `failed`.
 */
function earlyRefund(id: string, purchaseId: string) {
	return {
		id,
		object: 'event',
		type: 'charge.refunded',
		created: Math.floor(Date.now() / 1000),
		data: {
			object: {
				id: `ch_early_${purchaseId}`,
				object: 'charge',
				metadata: { purchase_id: purchaseId },
				payment_intent: null,
				status: 'pending',
				amount_captured: 3999,
				amount_refunded: 3999,
				currency: 'usd',
				receipt_url: null
			}
		}
	};
}

/** Delivers an event signed with this install's webhook secret, as Stripe would. */
function deliverSigned(baseURL: string, event: Record<string, unknown>) {
	const payload = JSON.stringify(event);
	const secret = readFileSync('tests/.tmp/stripe-webhook-secret', 'utf8').trim();
	return rawRequest(baseURL, {
		method: 'POST',
		path: '/api/webhooks/stripe',
		headers: {
			'content-type': 'application/json',
			'stripe-signature': signer.webhooks.generateTestHeaderString({ payload, secret })
		},
		body: payload
	});
}

async function pay(page: Page) {
	await page.getByLabel('Card number').fill('4242424242424242');
	await page.getByRole('button', { name: 'Pay' }).click();
	await expect(page.getByRole('heading', { name: '500 credits added' })).toBeVisible();
}

async function adminPage(browser: Browser) {
	const page = await (await browser.newContext()).newPage();
	await signInAsListedAdmin(page);
	return page;
}

async function shoot(page: Page, name: string) {
	for (const scheme of ['light', 'dark'] as const) {
		await page.emulateMedia({ colorScheme: scheme });
		for (const width of [360, 1280]) {
			await page.setViewportSize({ width, height: 900 });
			await page.screenshot({
				path: `test-results/admin-${name}-${width}-${scheme}.png`,
				fullPage: true
			});
		}
	}
	await page.emulateMedia({ colorScheme: 'light' });
	await page.setViewportSize({ width: 1280, height: 900 });
}

test('an admin refunds part of a purchase, is refused more than the rest, then refunds the rest; credits follow Stripe', async ({
	browser
}) => {
	test.setTimeout(60_000);
	const buyer = await buyerAtCheckout(browser);
	await pay(buyer.page);
	const admin = await adminPage(browser);

	await admin.goto(`/admin/purchases?email=${encodeURIComponent(buyer.email)}`);
	const row = admin.getByRole('row').filter({ hasText: buyer.email });
	await expect(row).toHaveCount(1);
	await expect(row).toContainText('$39.99');
	await expect(row).toContainText('paid');
	await shoot(admin, 'purchases');
	await row.getByRole('link').first().click();
	await expect(admin.getByRole('heading', { name: `Purchase ${buyer.purchaseId}` })).toBeVisible();
	await expect(admin.getByRole('region', { name: 'Webhook events' })).toContainText(
		'checkout.session.completed'
	);
	await expect(admin.getByRole('region', { name: 'Ledger transfers' })).toContainText('+500');

	const amount = admin.getByLabel('Amount in cents (USD)');
	const refund = admin.getByRole('button', { name: 'Refund through Stripe' });
	await amount.fill('1000');
	await refund.click();
	await expect(admin.getByRole('status').filter({ hasText: 'of $10.00 requested' })).toBeVisible();
	await expect(async () => {
		await admin.reload();
		await expect(admin.getByRole('region', { name: 'Refunds' })).toContainText('clawed back');
	}).toPass({ timeout: 10_000 });
	expect(await balance(buyer.page)).toBe(welcomeBonus + 500 - 125);
	await expect(admin.getByText('partially refunded')).toBeVisible();

	await amount.fill('5000');
	await refund.click();
	await expect(amount).toHaveAttribute('aria-invalid', 'true');
	await expect(
		admin.getByText('At most $29.99 of this purchase can still be refunded.').first()
	).toBeVisible();

	await amount.fill('');
	await refund.click();
	await expect(admin.getByRole('status').filter({ hasText: 'of $29.99 requested' })).toBeVisible();
	await expect(async () => {
		await admin.reload();
		await expect(admin.getByText('refunded', { exact: true })).toBeVisible();
	}).toPass({ timeout: 10_000 });
	expect(await balance(buyer.page)).toBe(welcomeBonus);
	await shoot(admin, 'purchase');

	await admin.goto(`/admin/audit?target=${encodeURIComponent(`purchase:${buyer.purchaseId}`)}`);
	const log = admin.getByRole('region', { name: 'Audit log' });
	await expect(log.getByRole('row')).toHaveCount(4);
	await expect(log.getByRole('row').nth(2)).toContainText('refused');
	await admin.getByLabel('Action').selectOption('replay');
	await admin.getByRole('button', { name: 'Filter' }).click();
	await expect(admin.getByText('No entries match')).toBeVisible();
	await expect(admin).toHaveURL(/action=replay/);
	await shoot(admin, 'audit');
});

test('an event that failed is replayed once its cause is gone, and a second replay changes nothing', async ({
	baseURL,
	browser
}) => {
	test.setTimeout(60_000);
	const buyer = await buyerAtCheckout(browser);
	const eventId = `evt_early_refund_${buyer.purchaseId}`;
	const delivered = await deliverSigned(baseURL!, earlyRefund(eventId, buyer.purchaseId));
	expect(delivered.status).toBe(500);
	await pay(buyer.page);
	expect(await balance(buyer.page)).toBe(welcomeBonus + 500);

	const admin = await adminPage(browser);
	await admin.goto('/admin/events?outcome=failed&type=charge.refunded');
	await shoot(admin, 'events');
	await admin.getByRole('row').filter({ hasText: buyer.purchaseId }).getByRole('link').click();
	await expect(admin.getByRole('heading', { name: `Event ${eventId}` })).toBeVisible();
	await expect(admin.getByTestId('event-error')).toContainText(
		'before Stripe reported its payment succeeded'
	);
	await expect(admin.getByTestId('event-payload')).toContainText(
		`"purchase_id": "${buyer.purchaseId}"`
	);

	await admin.getByRole('button', { name: 'Replay event' }).click();
	await expect(
		admin.getByText('Replayed: the event was processed (clawed back 500 credits).')
	).toBeVisible();
	expect(await balance(buyer.page)).toBe(welcomeBonus);

	await admin.getByRole('button', { name: 'Replay event' }).click();
	await expect(
		admin.getByText('Nothing changed: the event was already processed, so it was not run again.')
	).toBeVisible();
	expect(await balance(buyer.page)).toBe(welcomeBonus);
	await shoot(admin, 'event');

	await admin.goto(`/admin/audit?action=replay&target=${encodeURIComponent(`event:${eventId}`)}`);
	await expect(admin.getByRole('region', { name: 'Audit log' }).getByRole('row')).toHaveCount(3);
});

test('a purchase’s amount field refuses what is not whole cents, and nothing is asked of Stripe', async ({
	baseURL,
	browser
}) => {
	const buyer = await pendingPurchase(baseURL!);
	const admin = await adminPage(browser);
	await admin.goto(`/admin/purchases/${buyer.purchaseId}`);
	const amount = admin.getByLabel('Amount in cents (USD)');
	await amount.fill('12.50');
	await admin.getByRole('button', { name: 'Refund through Stripe' }).click();
	await expect(admin.getByText('Enter whole cents, e.g. 1999 for $19.99')).toBeVisible();
	await amount.fill('');
	await admin.getByRole('button', { name: 'Refund through Stripe' }).click();
	await expect(
		admin.getByText('Only a paid purchase can be refunded; this one is pending.')
	).toBeVisible();
	await admin.goto('/admin/purchases/pur_nobody');
	await expect(admin.getByText('No purchase has that id.')).toBeVisible();
});

for (const who of ['signed out', 'a signed-in user'] as const) {
	test(`purchases, events and the audit log answer 404 to ${who} and write nothing`, async ({
		baseURL
	}) => {
		const buyer = await pendingPurchase(baseURL!);
		const eventId = `evt_probe_${buyer.purchaseId}`;
		const stored = await deliverSigned(baseURL!, earlyRefund(eventId, buyer.purchaseId));
		expect(stored.status).toBe(500);
		const cookie = who === 'signed out' ? '' : (await signUpRaw(baseURL!)).cookie;
		const headers = {
			origin: new URL(baseURL!).origin,
			accept: 'text/html',
			'content-type': 'application/x-www-form-urlencoded',
			...(cookie && { cookie })
		};
		const written = async () => ({
			// Other specs' admins write audit rows meanwhile: count those about this purchase.
			audit: await firstE2e(
				'select count(*) from audit_log where target in (?, ?)',
				`purchase:${buyer.purchaseId}`,
				`event:${eventId}`
			),
			purchase: (
				await queryE2e(
					'select status, amount_refunded_minor from purchases where id = ?',
					buyer.purchaseId
				)
			)[0],
			event: (
				await queryE2e('select outcome, attempts from stripe_events where id = ?', eventId)
			)[0]
		});
		const before = await written();
		const probes: [string, string, string?][] = [
			['GET', '/admin/purchases'],
			['GET', '/admin/purchases?status=paid'],
			['GET', '/admin/purchases/__data.json'],
			['GET', `/admin/purchases/${buyer.purchaseId}`],
			['GET', `/admin/purchases/${buyer.purchaseId}/__data.json`],
			['POST', `/admin/purchases/${buyer.purchaseId}?/refund`, 'amount=100&idempotencyKey=probe'],
			['POST', `/admin/purchases/${buyer.purchaseId}?/refund`, 'idempotencyKey=probe'],
			['GET', '/admin/events'],
			['GET', '/admin/events?outcome=failed'],
			['GET', `/admin/events/${eventId}`],
			['GET', `/admin/events/${eventId}/__data.json`],
			['POST', `/admin/events/${eventId}?/replay`, ''],
			['GET', '/admin/audit'],
			['GET', '/admin/audit?action=refund&before=10'],
			['GET', '/admin/audit/__data.json']
		];
		for (const [method, path, body] of probes) {
			const response = await rawRequest(baseURL!, { method, path, headers, body });
			expect(response.status, `${method} ${path}`).toBe(404);
			expect(response.body, `${method} ${path}`).not.toContain(buyer.email);
		}
		expect(await written()).toEqual(before);
	});
}
