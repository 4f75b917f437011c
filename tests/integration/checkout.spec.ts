import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/lib/server/auth/accounts';
import { openDatabase } from '../../src/lib/server/db';
import { purchases, users } from '../../src/lib/server/db/schema';
import { startCheckout } from '../../src/lib/server/stripe/checkout';
import { createStripeClient } from '../../src/lib/server/stripe/client';
import { listUserPurchases } from '../../src/lib/server/purchases';
import { eventually, openShop, type Shop } from './purchase-fixture';

let shop: Shop;
beforeAll(async () => {
	shop = await openShop();
});
afterAll(() => shop.close());

describe('starting a checkout', () => {
	it('opens a session carrying the purchase, the user and the synced price', async () => {
		const userId = await shop.signUp();
		const { purchaseId, sessionId } = await shop.buy(userId, 'premium');
		const session = await shop.stripe.checkout.sessions.retrieve(sessionId, {
			expand: ['line_items']
		});
		expect(session).toMatchObject({
			mode: 'payment',
			client_reference_id: userId,
			metadata: { purchase_id: purchaseId, user_id: userId, package_id: 'premium' },
			amount_total: 7999,
			currency: 'usd',
			success_url: 'http://app.test/settings/credits/success?session_id={CHECKOUT_SESSION_ID}',
			cancel_url: 'http://app.test/settings/credits?checkout=cancelled'
		});
		expect(session.line_items?.data[0].price?.lookup_key).toBe('credits_premium');
		expect(await shop.purchase(purchaseId)).toMatchObject({
			status: 'pending',
			credits: 1200,
			amountMinor: 7999,
			currency: 'usd'
		});
	});

	it('lists the buyer’s purchases with what their history shows and no Stripe ids', async () => {
		const userId = await shop.signUp();
		const { purchaseId } = await shop.buy(userId, 'basic');
		const listed = await listUserPurchases(shop.db, userId);
		expect(listed).toEqual([
			{
				id: purchaseId,
				packageId: 'basic',
				credits: 100,
				amountMinor: 999,
				currency: 'usd',
				status: 'pending',
				receiptUrl: null,
				createdAt: expect.any(Date)
			}
		]);
		expect(JSON.stringify(listed)).not.toMatch(/cs_|pi_|cus_/);
	});

	it('gives the buyer a receipt link only when it is a web address', async () => {
		const userId = await shop.signUp();
		const { purchaseId } = await shop.buy(userId, 'basic');
		const receiptOf = async (url: string) => {
			await shop.db.update(purchases).set({ receiptUrl: url }).where(eq(purchases.id, purchaseId));
			return (await listUserPurchases(shop.db, userId))[0].receiptUrl;
		};
		expect(await receiptOf('https://pay.stripe.com/receipts/rcpt_1')).toBe(
			'https://pay.stripe.com/receipts/rcpt_1'
		);
		expect(await receiptOf('javascript:alert(1)')).toBeNull();
	});

	it('creates the Stripe customer once per user', async () => {
		const userId = await shop.signUp();
		const first = await shop.buy(userId, 'basic');
		const second = await shop.buy(userId, 'standard');
		const [a, b] = await Promise.all(
			[first, second].map(({ sessionId }) => shop.stripe.checkout.sessions.retrieve(sessionId))
		);
		expect(a.customer).toMatch(/^cus_/);
		expect(b.customer).toBe(a.customer);
	});

	it('refuses an unknown package without writing a purchase', async () => {
		const userId = await shop.signUp();
		const result = await startCheckout(
			shop.db,
			shop.stripe,
			{ id: userId, email: 'x@example.com' },
			'platinum',
			'http://app.test'
		);
		expect(result).toMatchObject({ ok: false, code: 'unknown_package' });
		expect(await listUserPurchases(shop.db, userId)).toEqual([]);
	});

	it('refuses a package whose price was never synced', async () => {
		const db = openDatabase(':memory:');
		const user = (await createUser(db, { email: 'nosync@example.com', password: 'long enough' }))!;
		const result = await startCheckout(db, shop.stripe, user, 'basic', 'http://app.test');
		expect(result).toEqual({
			ok: false,
			code: 'price_not_synced',
			message: 'Basic cannot be bought right now: its price is not set up in Stripe yet.'
		});
	});

	it('marks the purchase failed and says so when Stripe is unreachable', async () => {
		const offline = createStripeClient({
			stripeSecretKey: 'sk_test_offline',
			stripeApiUrl: 'http://127.0.0.1:9'
		});
		const userId = await shop.signUp();
		const result = await startCheckout(
			shop.db,
			offline,
			{ id: userId, email: 'x@example.com' },
			'basic',
			'http://app.test'
		);
		expect(result).toMatchObject({ ok: false, code: 'stripe_error' });
		expect(!result.ok && result.message).toBe(
			'The payment page could not be opened (Stripe could not be reached). Nothing was charged; please try again.'
		);
		const [listed] = await listUserPurchases(shop.db, userId);
		expect(await shop.purchase(listed.id)).toMatchObject({
			status: 'failed',
			failureReason: 'Stripe could not be reached'
		});
		expect(await shop.balanceOf(userId)).toBe(0);
	});
});

describe('an open checkout', () => {
	afterEach(async () => {
		await shop.control('webhooks/resume');
	});

	const checkout = (userId: string, packageId = 'standard') =>
		startCheckout(
			shop.db,
			shop.stripe,
			{ id: userId, email: `${userId}@example.com` },
			packageId,
			'http://app.test'
		);

	async function sessionsOf(userId: string) {
		const [customer] = await shop.db
			.select({ id: users.stripeCustomerId })
			.from(users)
			.where(eq(users.id, userId))
			.limit(1);
		return (await shop.stripe.checkout.sessions.list({ customer: customer.id!, limit: 100 })).data;
	}

	it('is reused by 50 concurrent buys of the same package: one purchase, one session', async () => {
		const userId = await shop.signUp();
		const results = await Promise.all(Array.from({ length: 50 }, () => checkout(userId)));
		expect(results.every((result) => result.ok)).toBe(true);
		expect(new Set(results.map((result) => result.ok && result.url)).size).toBe(1);
		expect(await listUserPurchases(shop.db, userId)).toHaveLength(1);
		expect(await sessionsOf(userId)).toHaveLength(1);

		expect(await checkout(userId)).toEqual(results[0]);
		expect(await sessionsOf(userId)).toHaveLength(1);
	});

	it('found before its session id was saved (or on another instance) is the same session', async () => {
		const userId = await shop.signUp();
		const first = await checkout(userId);
		await shop.db
			.update(purchases)
			.set({ checkoutSessionId: null })
			.where(eq(purchases.userId, userId));

		expect(await checkout(userId)).toEqual(first);
		expect(await listUserPurchases(shop.db, userId)).toHaveLength(1);
		expect(await sessionsOf(userId)).toHaveLength(1);
	});

	it('left by a crash before its session was opened is opened, not failed', async () => {
		const userId = await shop.signUp();
		const { purchaseId } = await shop.buy(userId, 'basic');
		const { packageId, credits, amountMinor, currency } = await shop.purchase(purchaseId);
		await shop.db.insert(purchases).values({
			id: 'pur_left_by_a_crash',
			userId,
			packageId,
			credits,
			amountMinor,
			currency,
			createdAt: new Date(Date.now() + 1000)
		});

		const resumed = await checkout(userId, 'basic');
		expect(resumed).toMatchObject({ ok: true, purchaseId: 'pur_left_by_a_crash' });
		const session = await shop.stripe.checkout.sessions.retrieve(
			(await shop.purchase('pur_left_by_a_crash')).checkoutSessionId!
		);
		expect(session.metadata).toMatchObject({ purchase_id: 'pur_left_by_a_crash' });
		expect(resumed.ok && resumed.url).toBe(session.url);
	});

	it('is not reused for another package', async () => {
		const userId = await shop.signUp();
		const results = await Promise.all(
			['basic', 'standard', 'basic', 'standard'].map((packageId) => checkout(userId, packageId))
		);
		const urls = results.map((result) => result.ok && result.url);
		expect(urls[0]).toBe(urls[2]);
		expect(urls[1]).toBe(urls[3]);
		expect(urls[0]).not.toBe(urls[1]);
		expect(
			(await listUserPurchases(shop.db, userId)).map((purchase) => purchase.packageId).sort()
		).toEqual(['basic', 'standard']);
		expect(await sessionsOf(userId)).toHaveLength(2);
	});

	it('is not reused once Stripe expired it, even before the webhook says so', async () => {
		const userId = await shop.signUp();
		const first = await shop.buy(userId);
		await shop.control('webhooks/pause');
		await shop.stripe.checkout.sessions.expire(first.sessionId);

		const second = await checkout(userId);
		expect(second).toMatchObject({ ok: true });
		expect(second.ok && second.purchaseId).not.toBe(first.purchaseId);
		expect(second.ok && second.url).not.toBe(first.url);
		expect((await shop.purchase(first.purchaseId)).status).toBe('expired');
	});

	it('is not reused once paid; the payment is credited on the spot', async () => {
		const userId = await shop.signUp();
		const first = await shop.buy(userId);
		await shop.control('webhooks/pause');
		expect((await shop.pay(first.url)).status).toBe(303);

		const second = await checkout(userId);
		expect(second.ok && second.purchaseId).not.toBe(first.purchaseId);
		expect((await shop.purchase(first.purchaseId)).status).toBe('paid');
		expect(await shop.balanceOf(userId)).toBe(500);
	});

	it('refuses an 11th new checkout within 10 minutes and says when to retry', async () => {
		const userId = await shop.signUp();
		for (let i = 0; i < 10; i++) {
			const { sessionId, purchaseId } = await shop.buy(userId);
			await shop.stripe.checkout.sessions.expire(sessionId);
			await eventually(async () => (await shop.purchase(purchaseId)).status === 'expired');
		}
		const refused = await checkout(userId);
		expect(refused).toEqual({
			ok: false,
			code: 'rate_limited',
			message: 'You have opened 10 checkouts in the last 10 minutes. Try again in 10 minutes.',
			retryAfterMs: expect.any(Number)
		});
		const { retryAfterMs } = refused as { retryAfterMs: number };
		expect(retryAfterMs).toBeGreaterThan(9 * 60 * 1000);
		expect(retryAfterMs).toBeLessThanOrEqual(10 * 60 * 1000);
		expect(await listUserPurchases(shop.db, userId, 50)).toHaveLength(10);

		const other = await shop.signUp();
		expect(await checkout(other)).toMatchObject({ ok: true });
	});
});
