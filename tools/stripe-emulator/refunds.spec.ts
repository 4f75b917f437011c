import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from './server';
import {
	control,
	createPrice,
	createSession,
	startTestEmulator,
	startWebhookReceiver,
	submitPayment,
	waitFor,
	type WebhookReceiver
} from './testing';

let emulator: RunningEmulator;
let receiver: WebhookReceiver;
let stripe: Stripe;
let price: Stripe.Price;

beforeAll(async () => {
	receiver = await startWebhookReceiver();
	({ emulator, stripe } = await startTestEmulator({ webhookUrl: receiver.url }));
	price = await createPrice(stripe, 1000);
});
afterAll(async () => {
	await emulator.close();
	await receiver.close();
});

async function paidIntent(): Promise<Stripe.PaymentIntent> {
	const session = await createSession(stripe, price);
	await submitPayment(session.url ?? '', {
		card_number: '4242424242424242',
		email: 'buyer@example.com'
	});
	const paid = await stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent'] });
	return paid.payment_intent as Stripe.PaymentIntent;
}

/** Each event once: realistic delivery sends them in no set order, and some twice. */
function eventsFor(type: string, objectId: string): Stripe.Event[] {
	const received = receiver.received.map(({ body }) => JSON.parse(body) as Stripe.Event);
	return [...new Map(received.map((event) => [event.id, event])).values()].filter(
		(event) => event.type === type && (event.data.object as { id: string }).id === objectId
	);
}

describe('refunds', () => {
	it('adds partial refunds up on the charge until it is fully refunded', async () => {
		const intent = await paidIntent();
		const chargeId = String(intent.latest_charge);
		const first = await stripe.refunds.create({ payment_intent: intent.id, amount: 300 });
		expect(first).toMatchObject({
			object: 'refund',
			amount: 300,
			status: 'succeeded',
			charge: chargeId,
			payment_intent: intent.id
		});
		expect(first.id).toMatch(/^re_/);
		const second = await stripe.refunds.create({
			charge: chargeId,
			amount: 200,
			reason: 'requested_by_customer'
		});
		expect(await stripe.charges.retrieve(chargeId)).toMatchObject({
			amount_refunded: 500,
			refunded: false
		});

		const rest = await stripe.refunds.create({ payment_intent: intent.id });
		expect(rest.amount).toBe(500);
		expect(await stripe.charges.retrieve(chargeId)).toMatchObject({
			amount_refunded: 1000,
			refunded: true
		});
		const listed = await stripe.refunds.list({ payment_intent: intent.id });
		expect(listed.data.map((refund) => refund.id)).toEqual([rest.id, second.id, first.id]);

		await waitFor(() => eventsFor('charge.refunded', chargeId).length === 3);
		const refunded = eventsFor('charge.refunded', chargeId).map(
			(event) => (event.data.object as Stripe.Charge).amount_refunded
		);
		expect(refunded.sort((a, b) => a - b)).toEqual([300, 500, 1000]);
		// Delivery is concurrent and unordered: the refund's own event may come after the charge's.
		await waitFor(() => eventsFor('refund.created', first.id).length > 0);
		expect(eventsFor('refund.created', first.id)).toHaveLength(1);
	});

	it('refuses more than what is left, and anything once fully refunded', async () => {
		const intent = await paidIntent();
		const tooMuch = await stripe.refunds
			.create({ payment_intent: intent.id, amount: 1001 })
			.catch((e: unknown) => e);
		expect(tooMuch).toMatchObject({ statusCode: 400, code: 'amount_too_large', param: 'amount' });
		await stripe.refunds.create({ payment_intent: intent.id });
		const again = await stripe.refunds
			.create({ payment_intent: intent.id })
			.catch((e: unknown) => e);
		expect(again).toMatchObject({ statusCode: 400, code: 'charge_already_refunded' });
	});

	it('needs a charge or a payment intent and a paid one at that', async () => {
		const neither = await stripe.refunds.create({}).catch((e: unknown) => e);
		expect(neither).toMatchObject({ statusCode: 400, code: 'parameter_missing' });
		const session = await createSession(stripe, price);
		await submitPayment(session.url ?? '', {
			card_number: '4000000000000002',
			email: 'a@example.com'
		});
		const open = await stripe.checkout.sessions.retrieve(session.id);
		const unpaid = await stripe.refunds
			.create({ payment_intent: String(open.payment_intent) })
			.catch((e: unknown) => e);
		expect(unpaid).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
	});

	it('is idempotent under the same key', async () => {
		const intent = await paidIntent();
		const a = await stripe.refunds.create(
			{ payment_intent: intent.id, amount: 100 },
			{ idempotencyKey: 'refund-once' }
		);
		const b = await stripe.refunds.create(
			{ payment_intent: intent.id, amount: 100 },
			{ idempotencyKey: 'refund-once' }
		);
		expect(b.id).toBe(a.id);
		expect((await stripe.charges.retrieve(String(intent.latest_charge))).amount_refunded).toBe(100);
	});
});

describe('disputes', () => {
	it('opens a dispute for the full amount and closes it won or lost', async () => {
		const intent = await paidIntent();
		const chargeId = String(intent.latest_charge);
		const opened = (await (
			await control(emulator, `charges/${chargeId}/dispute`)
		).json()) as Stripe.Dispute;
		expect(opened).toMatchObject({
			object: 'dispute',
			amount: 1000,
			status: 'needs_response',
			charge: chargeId,
			payment_intent: intent.id
		});
		expect(opened.id).toMatch(/^dp_/);
		expect((await stripe.charges.retrieve(chargeId)).disputed).toBe(true);
		const refund = await stripe.refunds.create({ charge: chargeId }).catch((e: unknown) => e);
		expect(refund).toMatchObject({ code: 'charge_disputed' });
		expect((await control(emulator, `charges/${chargeId}/dispute`)).status).toBe(400);

		const closed = (await (
			await control(emulator, `disputes/${opened.id}/close`, { status: 'won' })
		).json()) as Stripe.Dispute;
		expect(closed.status).toBe('won');
		expect(await stripe.disputes.retrieve(opened.id)).toMatchObject({ status: 'won' });
		await waitFor(
			() =>
				eventsFor('charge.dispute.closed', opened.id).length === 1 &&
				eventsFor('charge.dispute.created', opened.id).length === 1
		);
		const created = eventsFor('charge.dispute.created', opened.id)[0];
		expect((created.data.object as Stripe.Dispute).status).toBe('needs_response');
		expect(
			(await control(emulator, `disputes/${opened.id}/close`, { status: 'lost' })).status
		).toBe(400);
	});
});
