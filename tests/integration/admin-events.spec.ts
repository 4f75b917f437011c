import type Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/lib/server/admin/audit';
import { findEvent, listEvents, replayEvent } from '../../src/lib/server/admin/events';
import { openShop, type Shop } from './purchase-fixture';

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

/** A `charge.refunded` of a credited purchase that fails here: the disk refuses the purchase's update. */
async function failedRefundEvent() {
	const userId = await shop.signUp();
	const { purchaseId, url, sessionId } = await shop.buy(userId);
	await shop.control('webhooks/pause');
	expect((await shop.pay(url)).status).toBe(303);
	const completed = (await shop.eventsOf('checkout.session.completed')).find(
		(candidate) => (candidate.data.object as Stripe.Checkout.Session).id === sessionId
	)!;
	await shop.deliver(completed);
	const intent = (await shop.purchase(purchaseId)).paymentIntentId!;
	await shop.stripe.refunds.create({ payment_intent: intent });
	const event = (await shop.eventsOf('charge.refunded')).find(
		(candidate) => (candidate.data.object as Stripe.Charge).payment_intent === intent
	)!;
	shop.db.$client.exec(
		`CREATE TRIGGER broken_disk BEFORE UPDATE ON purchases BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`
	);
	expect((await shop.deliver(event)).status).toBe(500);
	const repair = () => shop.db.$client.exec('DROP TRIGGER broken_disk');
	return { userId, purchaseId, eventId: event.id, repair };
}

describe('replaying a stored webhook event', () => {
	it('runs a failed event again once its cause is gone, and a second replay changes nothing', async () => {
		const { userId, purchaseId, eventId, repair } = await failedRefundEvent();
		expect(await findEvent(shop.db, eventId)).toMatchObject({ outcome: 'failed', attempts: 1 });
		expect(await shop.balanceOf(userId)).toBe(500);

		repair();
		const replayed = await replayEvent(shop.db, shop.stripe, admin, eventId);
		expect(replayed).toEqual({
			ok: true,
			rerun: true,
			outcome: 'processed',
			message: 'Replayed: the event was processed (clawed back 500 credits).'
		});
		expect(await shop.balanceOf(userId)).toBe(0);
		expect((await shop.purchase(purchaseId)).status).toBe('refunded');
		expect(await findEvent(shop.db, eventId)).toMatchObject({ outcome: 'processed', attempts: 2 });

		const again = await replayEvent(shop.db, shop.stripe, admin, eventId);
		expect(again).toEqual({
			ok: true,
			rerun: false,
			outcome: 'processed',
			message: 'Nothing changed: the event was already processed, so it was not run again.'
		});
		expect(await shop.balanceOf(userId)).toBe(0);
		expect(await findEvent(shop.db, eventId)).toMatchObject({ attempts: 2 });
		expect(
			(await listAudit(shop.db, { target: `event:${eventId}` })).entries.map((e) => [
				e.action,
				e.outcome
			])
		).toEqual([
			['replay', 'ok'],
			['replay', 'ok']
		]);
	});

	it('records a replay that fails again as failed', async () => {
		const { eventId, repair } = await failedRefundEvent();
		expect(await replayEvent(shop.db, shop.stripe, admin, eventId)).toMatchObject({
			rerun: true,
			outcome: 'failed'
		});
		repair();
		expect((await listAudit(shop.db, { target: `event:${eventId}` })).entries).toMatchObject([
			{ action: 'replay', outcome: 'failed' }
		]);
	});

	it('answers an unknown event id without writing anything', async () => {
		expect(await replayEvent(shop.db, shop.stripe, admin, 'evt_nobody')).toMatchObject({
			ok: false,
			code: 'event_not_found'
		});
		expect((await listAudit(shop.db, { target: 'event:evt_nobody' })).entries).toEqual([]);
	});

	it('lists events newest first, filtered by type and outcome, a page at a time', async () => {
		for (let i = 0; i < 2; i++) (await failedRefundEvent()).repair();
		const failed = await listEvents(shop.db, {
			outcome: 'failed',
			type: 'charge.refunded',
			limit: 1
		});
		expect(failed.items).toHaveLength(1);
		expect(failed.items[0]).toMatchObject({ type: 'charge.refunded', outcome: 'failed' });
		const next = await listEvents(shop.db, {
			outcome: 'failed',
			type: 'charge.refunded',
			limit: 1,
			before: failed.nextCursor!
		});
		expect(next.items.map((e) => e.id)).not.toContain(failed.items[0].id);
		const all = (await listEvents(shop.db, { limit: 200 })).items;
		const times = all.map((e) => e.createdAt.getTime());
		expect(times).toEqual([...times].sort((a, b) => b - a));
	});
});
