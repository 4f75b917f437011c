import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listMismatchedPurchases, resolveMismatch } from '../../src/lib/server/admin/purchases';
import { getLedgerFor } from '../../src/lib/server/app-ledger';
import { stripeEvents, users } from '../../src/lib/server/db/schema';
import { transaction } from '../../src/lib/server/db/unit';
import { confirmCheckout } from '../../src/lib/server/stripe/confirm';
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

const admin = { adminId: 'admin_1', reason: 'Checked the payment in the Stripe dashboard' };

/** The buyer pays the real session, but a forged event with the wrong amount is handled first. */
async function mismatchedPurchase() {
	const userId = await shop.signUp();
	const { purchaseId, url, sessionId } = await shop.buy(userId);
	await shop.control('webhooks/pause');
	expect((await shop.pay(url)).status).toBe(303);
	const completed = (await shop.eventsOf('checkout.session.completed')).find(
		(event) => (event.data.object as { id: string }).id === sessionId
	)!;
	const session = completed.data.object as Stripe.Checkout.Session;
	const forged = {
		...completed,
		id: `evt_forged_${purchaseId}`,
		data: { object: { ...session, amount_total: 1 } }
	} as Stripe.Event;
	expect((await shop.deliver(forged)).body).toMatchObject({ outcome: 'rejected' });
	expect((await shop.purchase(purchaseId)).status).toBe('mismatch');
	return { userId, purchaseId, sessionId, completed };
}

async function outcomeOf(eventId: string) {
	const [event] = await shop.db.select().from(stripeEvents).where(eq(stripeEvents.id, eventId));
	return event;
}

function resolve(purchaseId: string, decision: Parameters<typeof resolveMismatch>[2]) {
	return transaction(shop.db, (tx) => resolveMismatch(tx, purchaseId, decision));
}

async function eventsOfType(type: string) {
	return shop.db.select().from(stripeEvents).where(eq(stripeEvents.type, type));
}

describe('a purchase whose payment did not match its price', () => {
	it('is reported as needing review, not as credited, when the real payment arrives', async () => {
		const { userId, purchaseId, sessionId, completed } = await mismatchedPurchase();

		expect((await shop.deliver(completed)).body).toEqual({ received: true, outcome: 'rejected' });
		expect((await outcomeOf(completed.id))?.error).toMatch(/^needs_review: /);
		expect(await confirmCheckout(shop.db, shop.stripe, userId, sessionId)).toEqual({
			status: 'review'
		});
		await shop.control('webhooks/resume');
		await eventually(async () =>
			(await eventsOfType('payment_intent.succeeded')).some((row) =>
				row.error?.includes(purchaseId)
			)
		);
		expect((await shop.purchase(purchaseId)).status).toBe('mismatch');
		expect(await shop.balanceOf(userId)).toBe(0);
	});

	it('is listed for admins with the buyer, the package and both amounts', async () => {
		const { userId, purchaseId } = await mismatchedPurchase();
		const listed = (await listMismatchedPurchases(shop.db)).find((row) => row.id === purchaseId);
		expect(listed).toEqual({
			id: purchaseId,
			email: (
				await shop.db.select({ email: users.email }).from(users).where(eq(users.id, userId))
			)[0].email,
			packageId: 'standard',
			credits: 500,
			amountMinor: 3999,
			currency: 'usd',
			amountPaidMinor: 1,
			currencyPaid: 'usd',
			failureReason: 'Paid 1 usd but the purchase costs 3999 usd',
			createdAt: expect.any(Date)
		});
	});

	it('is credited exactly once when an admin decides to credit it', async () => {
		const { userId, purchaseId, sessionId, completed } = await mismatchedPurchase();

		const results = [
			await resolve(purchaseId, { decision: 'credit', ...admin }),
			await resolve(purchaseId, { decision: 'credit', ...admin })
		];
		expect(results).toEqual([
			{ ok: true, status: 'paid', credits: 500 },
			{
				ok: false,
				code: 'not_in_review',
				message: 'This purchase is no longer awaiting review (it is paid).'
			}
		]);
		expect((await shop.deliver(completed)).body).toMatchObject({ outcome: 'processed' });
		expect(await confirmCheckout(shop.db, shop.stripe, userId, sessionId)).toEqual({
			status: 'credited',
			credits: 500
		});
		await shop.control('webhooks/resume');
		await eventually(() => shop.webhooksIdle());
		expect(await shop.balanceOf(userId)).toBe(500);
		expect(await shop.purchase(purchaseId)).toMatchObject({ status: 'paid', failureReason: null });
		const [grant] = (await getLedgerFor(shop.db).transfers({ userId })).items;
		expect(grant).toMatchObject({
			code: 'purchase',
			amount: 500,
			reference: purchaseId,
			actor: 'admin:admin_1'
		});
		expect((await listMismatchedPurchases(shop.db)).some((row) => row.id === purchaseId)).toBe(
			false
		);
	});

	it('stays uncredited once an admin rejects it, whatever arrives afterwards', async () => {
		const { userId, purchaseId, sessionId, completed } = await mismatchedPurchase();

		expect(
			await resolve(purchaseId, {
				decision: 'reject',
				adminId: 'admin_1',
				reason: 'Forged event; refund the buyer'
			})
		).toEqual({ ok: true, status: 'rejected', credits: 0 });
		expect(await shop.purchase(purchaseId)).toMatchObject({
			status: 'rejected',
			failureReason: 'Rejected by an admin: Forged event; refund the buyer'
		});
		expect((await shop.deliver(completed)).body).toMatchObject({ outcome: 'rejected' });
		expect(await confirmCheckout(shop.db, shop.stripe, userId, sessionId)).toEqual({
			status: 'rejected'
		});
		await shop.stripe.refunds.create({
			payment_intent: (await shop.purchase(purchaseId)).paymentIntentId!
		});
		await shop.control('webhooks/resume');
		await eventually(async () =>
			(await eventsOfType('charge.refunded')).some(
				(row) => row.payload.includes(purchaseId) && row.outcome === 'ignored'
			)
		);
		expect(await shop.balanceOf(userId)).toBe(0);
		expect(await resolve(purchaseId, { decision: 'credit', ...admin })).toMatchObject({
			ok: false,
			code: 'not_in_review'
		});
	});

	it('refuses to resolve a purchase that does not exist or is not under review', async () => {
		const userId = await shop.signUp();
		const { purchaseId } = await shop.buy(userId);
		expect(await resolve('pur_nope', { decision: 'credit', ...admin })).toEqual({
			ok: false,
			code: 'purchase_not_found',
			message: 'No purchase has that id.'
		});
		expect(await resolve(purchaseId, { decision: 'credit', ...admin })).toMatchObject({
			ok: false,
			code: 'not_in_review'
		});
		expect(await shop.balanceOf(userId)).toBe(0);
	});
});
