/**
 * On PostgreSQL two instances run a purchase's units at the same time (READ COMMITTED), where on
 * SQLite each unit holds the database's write lock from its first read. The race here is made to
 * happen, not hoped for: a transaction of the test's own holds the buyer's ledger account, so the
 * first unit stops at its ledger step with its purchase change uncommitted, and the second is started
 * while it waits. A dispute racing a refund goes the same way (takeBackRefunds); two-instances.spec.ts
 * saw that one once, before units locked the purchase they read.
 */
import type pg from 'pg';
import type Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually, openShop, type Shop } from './purchase-fixture';

let shop: Shop;
beforeAll(async () => {
	shop = await openShop('postgres');
});
afterAll(() => shop.close());
afterEach(async () => {
	await shop.control('webhooks/resume');
	expect(await shop.violations()).toEqual([]);
});

const pool = () => shop.db.$client as unknown as pg.Pool;

/** A paid, credited purchase of Standard (500 credits, $39.99) whose later events wait to be delivered by hand. */
async function creditedPurchase() {
	const userId = await shop.signUp();
	const { purchaseId, url } = await shop.buy(userId);
	expect((await shop.pay(url)).status).toBe(303);
	await eventually(async () => (await shop.balanceOf(userId)) === 500);
	await shop.control('webhooks/pause');
	return { userId, purchaseId, intent: (await shop.purchase(purchaseId)).paymentIntentId! };
}

async function refundedEvents(intent: string) {
	return (await shop.eventsOf('charge.refunded'))
		.filter((event) => (event.data.object as Stripe.Charge).payment_intent === intent)
		.sort(
			(a, b) =>
				(a.data.object as Stripe.Charge).amount_refunded -
				(b.data.object as Stripe.Charge).amount_refunded
		);
}

function withoutReceipt(event: Stripe.Event): Stripe.Event {
	const charge = event.data.object as Stripe.Charge;
	return { ...event, data: { object: { ...charge, receipt_url: null } } } as Stripe.Event;
}

/** Holds the buyer's ledger account until `release()`, as a unit in flight on another instance would. */
async function holdAccount(userId: string) {
	const client = await pool().connect();
	await client.query('BEGIN');
	await client.query('SELECT 1 FROM accounts WHERE user_id = $1 FOR UPDATE', [userId]);
	return {
		async release() {
			await client.query('COMMIT');
			client.release();
		}
	};
}

/** Waits until `sessions` connections of this database are waiting on a lock. */
async function waitingOnLocks(sessions: number) {
	await eventually(async () => {
		const { rows } = await pool().query(
			`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`
		);
		return rows[0].n >= sessions;
	});
}

describe('a purchase’s events racing on PostgreSQL', () => {
	it('applies a larger refund that waited for a smaller one to commit', async () => {
		const { userId, purchaseId, intent } = await creditedPurchase();
		await shop.stripe.refunds.create({ payment_intent: intent, amount: 1000 });
		await shop.stripe.refunds.create({ payment_intent: intent, amount: 1000 });
		const [first, refundedTwice] = await refundedEvents(intent);
		// Without a receipt to keep, the second goes straight to reading the purchase it moves.
		const second = withoutReceipt(refundedTwice);

		const account = await holdAccount(userId);
		const firstDelivery = shop.deliver(first);
		await waitingOnLocks(1);
		const secondDelivery = shop.deliver(second);
		await waitingOnLocks(2);
		await account.release();
		expect((await firstDelivery).body).toMatchObject({ outcome: 'processed' });
		expect((await secondDelivery).body).toMatchObject({ outcome: 'processed' });

		expect(await shop.purchase(purchaseId)).toMatchObject({
			status: 'partially_refunded',
			amountRefundedMinor: 2000
		});
		expect(await shop.balanceOf(userId)).toBe(500 - 250);
	});
});
