import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { purchases, stripeEvents } from '../../src/lib/server/db/schema';
import { getLedgerFor } from '../../src/lib/server/app-ledger';
import { confirmCheckout } from '../../src/lib/server/stripe/confirm';
import { cards, eventually, openShop, webhookSecret, type Shop } from './purchase-fixture';

let shop: Shop;
beforeAll(async () => {
	shop = await openShop();
});
afterAll(() => shop.close());
afterEach(async () => {
	await shop.control('webhooks/resume');
	expect(await shop.violations()).toEqual([]);
});

async function paidPurchase(options: { pauseWebhooks?: boolean } = {}) {
	const userId = await shop.signUp();
	const { purchaseId, url, sessionId } = await shop.buy(userId);
	if (options.pauseWebhooks) await shop.control('webhooks/pause');
	const response = await shop.pay(url);
	expect(response.status).toBe(303);
	expect(response.headers.get('location')).toBe(
		`http://app.test/settings/credits/success?session_id=${sessionId}`
	);
	return { userId, purchaseId, sessionId };
}

async function completedEventOf(sessionId: string) {
	const events = await shop.eventsOf('checkout.session.completed');
	return events.find((event) => (event.data.object as { id: string }).id === sessionId)!;
}

describe('buying credits through Stripe Checkout', () => {
	it('credits a paid checkout exactly once, however often the event is delivered', async () => {
		const { userId, purchaseId, sessionId } = await paidPurchase();
		await eventually(async () => (await shop.purchase(purchaseId)).status === 'paid');
		expect(await shop.balanceOf(userId)).toBe(500);

		const event = await completedEventOf(sessionId);
		const recorded = async () =>
			(await shop.db.select().from(stripeEvents).where(eq(stripeEvents.id, event.id)))[0];
		// payment_intent.succeeded may have credited it first: the checkout event's own first delivery
		// must be done, or a resend meets it still processing and (rightly) runs it again.
		await eventually(async () => (await recorded())?.outcome === 'processed');
		for (let i = 0; i < 5; i++) await shop.control(`events/${event.id}/resend`);
		await shop.control(`events/${event.id}/duplicate`, { count: 8 });
		expect(await shop.balanceOf(userId)).toBe(500);
		expect(await recorded()).toMatchObject({ outcome: 'processed', attempts: 1 });
	});

	it('credits once when payment_intent.succeeded arrives before checkout.session.completed', async () => {
		const { userId, purchaseId, sessionId } = await paidPurchase({ pauseWebhooks: true });
		const completed = await completedEventOf(sessionId);
		const intentId = (completed.data.object as { payment_intent: string }).payment_intent;
		const succeeded = (await shop.eventsOf('payment_intent.succeeded')).find(
			(event) => (event.data.object as { id: string }).id === intentId
		)!;

		expect((await shop.deliver(succeeded)).status).toBe(200);
		expect((await shop.purchase(purchaseId)).status).toBe('paid');
		expect(await shop.balanceOf(userId)).toBe(500);
		expect((await shop.deliver(completed)).status).toBe(200);
		expect(await shop.balanceOf(userId)).toBe(500);
	});

	it('credits once when the success page and the webhook race', async () => {
		const { userId, purchaseId, sessionId } = await paidPurchase({ pauseWebhooks: true });
		const completed = await completedEventOf(sessionId);
		const [page] = await Promise.all([
			confirmCheckout(shop.db, shop.stripe, userId, sessionId),
			Promise.resolve().then(() => shop.deliver(completed)),
			confirmCheckout(shop.db, shop.stripe, userId, sessionId)
		]);
		expect(page).toEqual({ status: 'credited', credits: 500 });
		expect((await shop.purchase(purchaseId)).status).toBe('paid');
		expect(await shop.balanceOf(userId)).toBe(500);
	});

	it('never shows or credits another user’s checkout on the success page', async () => {
		const { sessionId } = await paidPurchase({ pauseWebhooks: true });
		const intruder = await shop.signUp();
		expect(await confirmCheckout(shop.db, shop.stripe, intruder, sessionId)).toEqual({
			status: 'not_found'
		});
		expect(await shop.balanceOf(intruder)).toBe(0);
	});

	it('refuses bad, stale and tampered signatures and stores nothing', async () => {
		const { userId, sessionId } = await paidPurchase({ pauseWebhooks: true });
		const completed = await completedEventOf(sessionId);
		const payload = JSON.stringify(completed);
		const stale = shop.stripe.webhooks.generateTestHeaderString({
			payload,
			secret: webhookSecret,
			timestamp: Math.floor(Date.now() / 1000) - 600
		});
		const wrongSecret = shop.stripe.webhooks.generateTestHeaderString({
			payload,
			secret: 'whsec_someone_else'
		});
		const tampered = {
			...completed,
			data: { object: { ...completed.data.object, amount_total: 1 } }
		};
		const validForOriginal = shop.stripe.webhooks.generateTestHeaderString({
			payload,
			secret: webhookSecret
		});

		expect((await shop.deliver(completed, 'garbage')).status).toBe(400);
		expect((await shop.deliver(completed, stale)).status).toBe(400);
		expect((await shop.deliver(completed, wrongSecret)).status).toBe(400);
		expect((await shop.deliver(tampered as typeof completed, validForOriginal)).status).toBe(400);
		expect(
			await shop.db.select().from(stripeEvents).where(eq(stripeEvents.id, completed.id))
		).toEqual([]);
		expect(await shop.balanceOf(userId)).toBe(0);
	});

	it('records an amount mismatch for an admin and credits nothing', async () => {
		const userId = await shop.signUp();
		const { purchaseId, url } = await shop.buy(userId);
		await shop.db.update(purchases).set({ amountMinor: 100 }).where(eq(purchases.id, purchaseId));
		await shop.pay(url);
		await eventually(async () => (await shop.purchase(purchaseId)).status === 'mismatch');
		expect((await shop.purchase(purchaseId)).failureReason).toBe(
			'Paid 3999 usd but the purchase costs 100 usd'
		);
		const rejected = await shop.db
			.select()
			.from(stripeEvents)
			.where(eq(stripeEvents.outcome, 'rejected'));
		expect(rejected.length).toBeGreaterThan(0);
		expect(await shop.balanceOf(userId)).toBe(0);
	});

	it('leaves a declined card’s purchase open and uncredited', async () => {
		const userId = await shop.signUp();
		const { purchaseId, url } = await shop.buy(userId);
		const response = await shop.pay(url, cards.declined);
		expect(response.status).toBe(402);
		expect(await response.text()).toContain('Your card was declined.');
		expect((await shop.purchase(purchaseId)).status).toBe('pending');
		expect(await shop.balanceOf(userId)).toBe(0);
	});

	it('claws back a partial refund in proportion, then the rest on a full refund', async () => {
		const { userId, purchaseId } = await paidPurchase();
		await eventually(async () => (await shop.balanceOf(userId)) === 500);
		const intent = (await shop.purchase(purchaseId)).paymentIntentId!;

		await shop.stripe.refunds.create({ payment_intent: intent, amount: 1000 });
		await eventually(async () => (await shop.purchase(purchaseId)).status === 'partially_refunded');
		expect(await shop.balanceOf(userId)).toBe(500 - 125);

		await shop.stripe.refunds.create({ payment_intent: intent });
		await eventually(async () => (await shop.purchase(purchaseId)).status === 'refunded');
		expect((await shop.purchase(purchaseId)).amountRefundedMinor).toBe(3999);
		expect(await shop.balanceOf(userId)).toBe(0);

		const refunded = (await shop.eventsOf('charge.refunded')).filter(
			(event) => (event.data.object as { payment_intent: string }).payment_intent === intent
		);
		for (const event of refunded) await shop.control(`events/${event.id}/resend`);
		expect(await shop.balanceOf(userId)).toBe(0);
	});

	async function earlyRefund() {
		const { userId, purchaseId, sessionId } = await paidPurchase({ pauseWebhooks: true });
		const completed = await completedEventOf(sessionId);
		const paymentIntent = (completed.data.object as { payment_intent: string }).payment_intent;
		await shop.stripe.refunds.create({ payment_intent: paymentIntent, amount: 1000 });
		const refunded = (await shop.eventsOf('charge.refunded')).find(
			(event) => (event.data.object as { payment_intent: string }).payment_intent === paymentIntent
		)!;
		return { userId, purchaseId, completed, refunded };
	}
	const recorded = async (id: string) =>
		(await shop.db.select().from(stripeEvents).where(eq(stripeEvents.id, id)))[0];

	it('credits, then refunds, a purchase whose refund arrives before any payment event, without a retry', async () => {
		const { userId, purchaseId, completed, refunded } = await earlyRefund();

		expect(await shop.deliver(refunded)).toMatchObject({
			status: 200,
			body: { outcome: 'processed' }
		});
		expect(await recorded(refunded.id)).toMatchObject({
			outcome: 'processed',
			error: 'clawed back 125 credits',
			attempts: 1
		});
		expect(await shop.purchase(purchaseId)).toMatchObject({
			status: 'partially_refunded',
			amountRefundedMinor: 1000
		});
		expect(await shop.balanceOf(userId)).toBe(500 - 125);

		expect(await shop.deliver(completed)).toMatchObject({ status: 200 });
		await shop.control('webhooks/resume');
		expect((await shop.deliver(refunded)).body).toMatchObject({ duplicate: true });
		expect((await shop.purchase(purchaseId)).status).toBe('partially_refunded');
		expect(await shop.balanceOf(userId)).toBe(500 - 125);
	});

	it('asks Stripe for the payment intent when an early refund’s charge does not name the purchase', async () => {
		const { userId, purchaseId, refunded } = await earlyRefund();
		const charge = refunded.data.object as Stripe.Charge;
		const anonymous = {
			...refunded,
			id: `${refunded.id}_anonymous`,
			data: { object: { ...charge, metadata: {} } }
		} as Stripe.Event;

		expect(await shop.deliver(anonymous)).toMatchObject({
			status: 200,
			body: { outcome: 'processed' }
		});
		expect(await shop.purchase(purchaseId)).toMatchObject({
			status: 'partially_refunded',
			paymentIntentId: charge.payment_intent
		});
		expect(await shop.balanceOf(userId)).toBe(500 - 125);
	});

	it('does not credit a purchase whose early refund shows a payment that does not match its price', async () => {
		const { userId, purchaseId, refunded } = await earlyRefund();
		await shop.db.update(purchases).set({ amountMinor: 100 }).where(eq(purchases.id, purchaseId));

		expect(await shop.deliver(refunded)).toMatchObject({
			status: 200,
			body: { outcome: 'ignored' }
		});
		expect((await shop.purchase(purchaseId)).status).toBe('mismatch');
		expect(await shop.balanceOf(userId)).toBe(0);
	});

	async function disputedPurchase(options: { spendFirst?: number } = {}) {
		const { userId, purchaseId } = await paidPurchase();
		await eventually(async () => (await shop.balanceOf(userId)) === 500);
		if (options.spendFirst) {
			const spent = await getLedgerFor(shop.db).spend({
				userId,
				amount: options.spendFirst,
				actor: 'test',
				idempotencyKey: `spend-${purchaseId}`
			});
			expect(spent.ok).toBe(true);
		}
		const charge = (
			await shop.stripe.charges.list({
				payment_intent: (await shop.purchase(purchaseId)).paymentIntentId!,
				limit: 1
			})
		).data[0];
		const dispute = (await shop.control(`charges/${charge.id}/dispute`)) as { id: string };
		await eventually(async () => (await shop.purchase(purchaseId)).status === 'disputed');
		return { userId, purchaseId, disputeId: dispute.id };
	}

	it('claws back a disputed purchase and reinstates it when the dispute is won', async () => {
		const { userId, purchaseId, disputeId } = await disputedPurchase();
		expect(await shop.balanceOf(userId)).toBe(0);

		await shop.control(`disputes/${disputeId}/close`, { status: 'won' });
		await eventually(async () => (await shop.purchase(purchaseId)).status === 'paid');
		expect(await shop.balanceOf(userId)).toBe(500);
	});

	it('leaves a buyer who spent the credits in debt when a dispute is lost', async () => {
		const { userId, purchaseId, disputeId } = await disputedPurchase({ spendFirst: 200 });
		expect(await shop.balanceOf(userId)).toBe(-200);

		await shop.control(`disputes/${disputeId}/close`, { status: 'lost' });
		const closed = () =>
			shop.db.select().from(stripeEvents).where(eq(stripeEvents.type, 'charge.dispute.closed'));
		await eventually(async () =>
			(await closed()).some(
				(event) => event.payload.includes(disputeId) && event.outcome === 'processed'
			)
		);
		expect((await shop.purchase(purchaseId)).status).toBe('disputed');
		expect(await shop.balanceOf(userId)).toBe(-200);
		const refused = await getLedgerFor(shop.db).spend({
			userId,
			amount: 1,
			actor: 'test',
			idempotencyKey: `after-${purchaseId}`
		});
		expect(!refused.ok && refused.error.code).toBe('account_in_debt');
	});

	it('marks a delayed payment processing, then credits it when it succeeds', async () => {
		const userId = await shop.signUp();
		const { purchaseId, url, sessionId } = await shop.buy(userId);
		expect((await shop.pay(url, cards.ok, { delayed: '1' })).status).toBe(303);
		await eventually(async () => (await shop.purchase(purchaseId)).status === 'processing');
		expect(await confirmCheckout(shop.db, shop.stripe, userId, sessionId)).toEqual({
			status: 'processing'
		});
		expect(await shop.balanceOf(userId)).toBe(0);

		await shop.control(`checkout/sessions/${sessionId}/async_payment`, { result: 'succeeded' });
		await eventually(async () => (await shop.purchase(purchaseId)).status === 'paid');
		expect(await shop.balanceOf(userId)).toBe(500);
	});

	it('marks a failed delayed payment failed and an expired session expired', async () => {
		const userId = await shop.signUp();
		const delayed = await shop.buy(userId);
		await shop.pay(delayed.url, cards.ok, { delayed: '1' });
		await eventually(async () => (await shop.purchase(delayed.purchaseId)).status === 'processing');
		await shop.control(`checkout/sessions/${delayed.sessionId}/async_payment`, {
			result: 'failed'
		});
		await eventually(async () => (await shop.purchase(delayed.purchaseId)).status === 'failed');

		const abandoned = await shop.buy(userId);
		await shop.stripe.checkout.sessions.expire(abandoned.sessionId);
		await eventually(async () => (await shop.purchase(abandoned.purchaseId)).status === 'expired');
		expect(await shop.balanceOf(userId)).toBe(0);
	});
});

describe('the charge, intent and dispute events that only some orders bring', () => {
	async function chargeEvent(type: string, fields: Partial<Stripe.Charge>) {
		const { userId, purchaseId } = await paidPurchase();
		await eventually(async () => (await shop.balanceOf(userId)) === 500);
		// The emulator's own charge events, on their random delay, would otherwise land after this one.
		await eventually(() => shop.webhooksIdle());
		const [charge] = (
			await shop.stripe.charges.list({
				payment_intent: (await shop.purchase(purchaseId)).paymentIntentId!,
				limit: 1
			})
		).data;
		const event = {
			id: `evt_${type}_${purchaseId}`,
			object: 'event',
			type,
			data: { object: { ...charge, ...fields } }
		} as unknown as Stripe.Event;
		return { purchaseId, event };
	}

	it('keeps the charge’s https receipt URL for the purchase history', async () => {
		const url = 'https://pay.stripe.com/receipts/payment/abc?s=ap';
		const { purchaseId, event } = await chargeEvent('charge.succeeded', { receipt_url: url });
		expect((await shop.deliver(event)).body).toMatchObject({ outcome: 'processed' });
		expect((await shop.purchase(purchaseId)).receiptUrl).toBe(url);
	});

	it.each([
		'javascript:alert(document.cookie)',
		' javascript:alert(1)',
		'data:text/html,x',
		'not a url'
	])('never stores %j as a receipt URL', async (hostile) => {
		const { purchaseId, event } = await chargeEvent('charge.updated', { receipt_url: hostile });
		expect((await shop.deliver(event)).body).toMatchObject({ outcome: 'ignored' });
		// The emulator's own charge events may have stored its http receipt page meanwhile; never the hostile value.
		const stored = (await shop.purchase(purchaseId)).receiptUrl;
		expect(stored === null || /^https?:\/\//.test(stored)).toBe(true);
	});

	it('keeps the receipt URL a refund’s charge brings', async () => {
		const url = 'https://pay.stripe.com/receipts/payment/refunded';
		const { purchaseId, event } = await chargeEvent('charge.refunded', {
			receipt_url: url,
			amount_refunded: 1000
		});
		expect((await shop.deliver(event)).body).toMatchObject({ outcome: 'processed' });
		expect(await shop.purchase(purchaseId)).toMatchObject({
			receiptUrl: url,
			amountRefundedMinor: 1000
		});
	});

	it('expires the purchase when its payment intent is canceled, before or after the session expires', async () => {
		const userId = await shop.signUp();
		const { purchaseId } = await shop.buy(userId);
		const canceled = {
			id: `evt_canceled_${purchaseId}`,
			object: 'event',
			type: 'payment_intent.canceled',
			data: {
				object: {
					id: `pi_${purchaseId}`,
					object: 'payment_intent',
					metadata: { purchase_id: purchaseId },
					cancellation_reason: 'abandoned'
				}
			}
		} as unknown as Stripe.Event;
		expect((await shop.deliver(canceled)).body).toMatchObject({ outcome: 'processed' });
		expect(await shop.purchase(purchaseId)).toMatchObject({
			status: 'expired',
			failureReason: 'The payment was canceled (abandoned)'
		});
		expect(await shop.balanceOf(userId)).toBe(0);
	});

	it('takes credits back on funds_withdrawn and gives them back on funds_reinstated, once each', async () => {
		const { userId, purchaseId } = await paidPurchase();
		await eventually(async () => (await shop.balanceOf(userId)) === 500);
		await shop.control('webhooks/pause');
		const [charge] = (
			await shop.stripe.charges.list({
				payment_intent: (await shop.purchase(purchaseId)).paymentIntentId!,
				limit: 1
			})
		).data;
		const dispute = (await shop.control(`charges/${charge.id}/dispute`)) as Stripe.Dispute;
		const eventOf = (type: string, object: Stripe.Dispute) =>
			({
				id: `evt_${type}_${dispute.id}`,
				object: 'event',
				type,
				data: { object }
			}) as unknown as Stripe.Event;

		await shop.deliver(eventOf('charge.dispute.funds_withdrawn', dispute));
		expect(await shop.purchase(purchaseId)).toMatchObject({
			status: 'disputed',
			disputeStatus: 'open'
		});
		expect(await shop.balanceOf(userId)).toBe(0);

		await shop.deliver(eventOf('charge.dispute.funds_reinstated', { ...dispute, status: 'won' }));
		expect(await shop.purchase(purchaseId)).toMatchObject({ status: 'paid', disputeStatus: 'won' });
		expect(await shop.balanceOf(userId)).toBe(500);

		await shop.control('webhooks/resume');
		await eventually(async () =>
			(await shop.db.select().from(stripeEvents)).some(
				(event) => event.type === 'charge.dispute.created' && event.payload.includes(dispute.id)
			)
		);
		expect((await shop.purchase(purchaseId)).status).toBe('paid');
		expect(await shop.balanceOf(userId)).toBe(500);
	});
});
