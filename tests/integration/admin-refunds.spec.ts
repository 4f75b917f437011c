import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/lib/server/admin/audit';
import { purchaseStory } from '../../src/lib/server/admin/purchases';
import { listPurchaseRefunds, refundPurchase } from '../../src/lib/server/admin/refunds';
import { createStripeClient } from '../../src/lib/server/stripe/client';
import { eventually, openShop, type Shop } from './purchase-fixture';

let shop: Shop;
beforeAll(async () => {
	shop = await openShop();
});
afterAll(() => shop.close());
afterEach(async () => {
	await shop.control('webhooks/resume');
	expect(await shop.violations()).toEqual([]);
});

const admin = { id: 'admin_1', email: 'admin@example.com' };
let keys = 0;
const key = () => `refund-key-${++keys}`;

/** Standard: 500 credits for $39.99, paid and credited. */
async function paidPurchase() {
	const userId = await shop.signUp();
	const { purchaseId, url } = await shop.buy(userId);
	expect((await shop.pay(url)).status).toBe(303);
	await eventually(async () => (await shop.purchase(purchaseId)).status === 'paid');
	return { userId, purchaseId };
}

function refund(purchaseId: string, amount?: number, idempotencyKey = key()) {
	return refundPurchase(shop.db, shop.stripe, admin, { purchaseId, amount, idempotencyKey });
}

async function auditOf(purchaseId: string) {
	return (await listAudit(shop.db, { target: `purchase:${purchaseId}` })).entries;
}

describe('refunding a purchase from the admin area', () => {
	it('asks Stripe for a full refund and takes the credits back only when charge.refunded arrives', async () => {
		const { userId, purchaseId } = await paidPurchase();
		await shop.control('webhooks/pause');
		const result = await refund(purchaseId);
		expect(result).toMatchObject({ ok: true, replayed: false, refund: { amount: 3999 } });
		// The button changed nothing in the ledger: Stripe has not confirmed yet.
		expect(await shop.balanceOf(userId)).toBe(500);
		expect((await shop.purchase(purchaseId)).status).toBe('paid');
		const [pending] = await listPurchaseRefunds(shop.stripe, await shop.purchase(purchaseId));
		expect(pending).toMatchObject({ amount: 3999, clawedBack: false });

		await shop.control('webhooks/resume');
		await eventually(async () => (await shop.purchase(purchaseId)).status === 'refunded');
		expect(await shop.balanceOf(userId)).toBe(0);
		const [done] = await listPurchaseRefunds(shop.stripe, await shop.purchase(purchaseId));
		expect(done).toMatchObject({ amount: 3999, clawedBack: true });
		expect((await purchaseStory(shop.db, purchaseId))!.transfers.map((t) => t.code)).toEqual([
			'refund',
			'purchase'
		]);
		expect(await auditOf(purchaseId)).toMatchObject([
			{ action: 'refund', outcome: 'ok', amount: 3999, actorEmail: admin.email }
		]);
	});

	it('refunds part, then refuses more than the remainder, counting refunds not yet confirmed', async () => {
		const { userId, purchaseId } = await paidPurchase();
		expect(await refund(purchaseId, 1000)).toMatchObject({ ok: true });
		await eventually(async () => (await shop.purchase(purchaseId)).status === 'partially_refunded');
		expect(await shop.balanceOf(userId)).toBe(500 - 125);

		await shop.control('webhooks/pause');
		expect(await refund(purchaseId, 2000)).toMatchObject({ ok: true });
		const over = await refund(purchaseId, 1000);
		expect(over).toEqual({
			ok: false,
			code: 'amount_too_large',
			message: 'At most $9.99 of this purchase can still be refunded.'
		});
		expect(await listPurchaseRefunds(shop.stripe, await shop.purchase(purchaseId))).toHaveLength(2);
		expect((await auditOf(purchaseId)).map((entry) => entry.outcome)).toEqual([
			'refused',
			'ok',
			'ok'
		]);
	});

	it('refunds once when the same form is submitted twice', async () => {
		const { purchaseId } = await paidPurchase();
		const first = await refund(purchaseId, 500, 'same-form');
		const second = await refund(purchaseId, 500, 'same-form');
		expect(first).toMatchObject({ ok: true, replayed: false });
		expect(second).toMatchObject({ ok: true, replayed: true });
		expect(second.ok && first.ok && second.refund.id).toBe(first.ok && first.refund.id);
		expect(await listPurchaseRefunds(shop.stripe, await shop.purchase(purchaseId))).toHaveLength(1);
	});

	it('refuses a purchase that is not paid, and a disputed charge, without asking Stripe', async () => {
		const userId = await shop.signUp();
		const { purchaseId: unpaid } = await shop.buy(userId);
		expect(await refund(unpaid)).toEqual({
			ok: false,
			code: 'not_refundable',
			message: 'Only a paid purchase can be refunded; this one is pending.'
		});

		const { purchaseId: disputed } = await paidPurchase();
		const intent = await shop.stripe.paymentIntents.retrieve(
			(await shop.purchase(disputed)).paymentIntentId!
		);
		await shop.control(`charges/${intent.latest_charge}/dispute`);
		await eventually(async () => (await shop.purchase(disputed)).status === 'disputed');
		expect(await refund(disputed)).toMatchObject({ ok: false, code: 'charge_disputed' });
		expect(await listPurchaseRefunds(shop.stripe, await shop.purchase(disputed))).toEqual([]);
		expect(await auditOf(disputed)).toMatchObject([{ outcome: 'refused' }]);
	});

	it('says in words when Stripe cannot be reached, and records the failure', async () => {
		const { purchaseId } = await paidPurchase();
		const unreachable = createStripeClient({
			stripeSecretKey: 'sk_test_unreachable',
			stripeApiUrl: 'http://127.0.0.1:9'
		});
		const result = await refundPurchase(shop.db, unreachable, admin, {
			purchaseId,
			idempotencyKey: key()
		});
		expect(result).toEqual({
			ok: false,
			code: 'stripe_error',
			message: 'Stripe could not be reached'
		});
		expect(await auditOf(purchaseId)).toMatchObject([{ outcome: 'failed' }]);
	}, 20_000);

	it('finds the purchase’s webhook events by its id and its payment intent', async () => {
		const { purchaseId } = await paidPurchase();
		await refund(purchaseId, 100);
		const events = async () => (await purchaseStory(shop.db, purchaseId))!.events;
		await eventually(async () => {
			const types = (await events()).map((event) => event.type);
			return [
				'checkout.session.completed',
				'payment_intent.succeeded',
				'charge.succeeded',
				'refund.created',
				'charge.refunded'
			].every((type) => types.includes(type));
		});
		expect((await events()).every((e) => e.id.startsWith('evt_'))).toBe(true);
	});
});
