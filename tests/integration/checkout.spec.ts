import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/lib/server/auth/accounts';
import { openDatabase } from '../../src/lib/server/db';
import { startCheckout } from '../../src/lib/server/stripe/checkout';
import { createStripeClient } from '../../src/lib/server/stripe/client';
import { listUserPurchases } from '../../src/lib/server/purchases';
import { openShop, type Shop } from './purchase-fixture';

let shop: Shop;
beforeAll(async () => {
	shop = await openShop();
});
afterAll(() => shop.close());

describe('starting a checkout', () => {
	it('opens a session carrying the purchase, the user and the synced price', async () => {
		const userId = await shop.signUp();
		const { purchaseId, sessionId } = await shop.buy(userId, 'premium');
		const session = await shop.stripe.checkout.sessions.retrieve(sessionId, { expand: ['line_items'] });
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
		expect(shop.purchase(purchaseId)).toMatchObject({ status: 'pending', credits: 1200, amount: 7999, currency: 'usd' });
	});

	it('creates the Stripe customer once per user', async () => {
		const userId = await shop.signUp();
		const first = await shop.buy(userId);
		const second = await shop.buy(userId);
		const [a, b] = await Promise.all([first, second].map(({ sessionId }) => shop.stripe.checkout.sessions.retrieve(sessionId)));
		expect(a.customer).toMatch(/^cus_/);
		expect(b.customer).toBe(a.customer);
	});

	it('refuses an unknown package without writing a purchase', async () => {
		const userId = await shop.signUp();
		const result = await startCheckout(shop.db, shop.stripe, { id: userId, email: 'x@example.com' }, 'platinum', 'http://app.test');
		expect(result).toMatchObject({ ok: false, code: 'unknown_package' });
		expect(listUserPurchases(shop.db, userId)).toEqual([]);
	});

	it('refuses a package whose price was never synced', async () => {
		const db = openDatabase(':memory:');
		const user = (await createUser(db, { email: 'nosync@example.com', password: 'long enough' }))!;
		const result = await startCheckout(db, shop.stripe, user, 'basic', 'http://app.test');
		expect(result).toEqual({ ok: false, code: 'price_not_synced', message: 'Basic cannot be bought right now: its price is not set up in Stripe yet.' });
	});

	it('marks the purchase failed and says so when Stripe is unreachable', async () => {
		const offline = createStripeClient({ stripeSecretKey: 'sk_test_offline', stripeApiUrl: 'http://127.0.0.1:9' });
		const userId = await shop.signUp();
		const result = await startCheckout(shop.db, offline, { id: userId, email: 'x@example.com' }, 'basic', 'http://app.test');
		expect(result).toMatchObject({ ok: false, code: 'stripe_error' });
		expect(!result.ok && result.message).toBe('The payment page could not be opened (Stripe could not be reached). Nothing was charged; please try again.');
		const [purchase] = listUserPurchases(shop.db, userId);
		expect(purchase).toMatchObject({ status: 'failed', failureReason: 'Stripe could not be reached' });
		expect(shop.balanceOf(userId)).toBe(0);
	});
});
