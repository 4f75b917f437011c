import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import type { Delivery } from './webhooks';
import type { RunningEmulator } from './server';
import {
	WEBHOOK_SECRET,
	control,
	createPrice,
	createSession,
	startTestEmulator,
	startWebhookReceiver,
	submitPayment,
	type WebhookReceiver
} from './testing';

const PAID_FLOW = ['charge.succeeded', 'payment_intent.succeeded', 'checkout.session.completed'];

let emulator: RunningEmulator;
let receiver: WebhookReceiver;

async function setup(respond?: Parameters<typeof startWebhookReceiver>[0], timeoutMs?: number) {
	receiver = await startWebhookReceiver(respond);
	const started = await startTestEmulator({
		webhookUrl: receiver.url,
		webhookTimeoutMs: timeoutMs
	});
	emulator = started.emulator;
	return started.stripe;
}

async function payOnce(
	stripe: Stripe,
	fields: Record<string, string> = { card_number: '4242424242424242' }
) {
	const session = await createSession(stripe, await createPrice(stripe));
	await submitPayment(session.url ?? '', { email: 'buyer@example.com', ...fields });
	return session;
}

async function deliveries(): Promise<Delivery[]> {
	const body = (await (await fetch(`${emulator.url}/_emulator/deliveries`)).json()) as {
		data: Delivery[];
	};
	return body.data;
}

async function webhooksIdle(): Promise<boolean> {
	const status = (await (await fetch(`${emulator.url}/_emulator/webhooks`)).json()) as {
		idle: boolean;
	};
	return status.idle;
}

/** Polls until `count` deliveries arrived and the emulator has nothing queued, in flight or due for retry. */
async function waitForDeliveries(count: number, timeoutMs = 5_000) {
	const deadline = Date.now() + timeoutMs;
	while (receiver.received.length < count || !(await webhooksIdle())) {
		if (Date.now() > deadline)
			throw new Error(`only ${receiver.received.length} of ${count} deliveries settled in time`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
	expect(receiver.received).toHaveLength(count);
}

afterEach(async () => {
	await emulator.close();
	await receiver.close();
});

describe('webhook delivery', () => {
	it('sends a paid session’s events in order, signed so constructEvent accepts them', async () => {
		const stripe = await setup();
		const session = await payOnce(stripe);
		await waitForDeliveries(3);
		expect(receiver.types()).toEqual(PAID_FLOW);
		for (const { headers, body } of receiver.received) {
			const event = stripe.webhooks.constructEvent(
				body,
				String(headers['stripe-signature']),
				WEBHOOK_SECRET
			);
			expect(event).toMatchObject({
				object: 'event',
				api_version: '2026-10-28.endive',
				livemode: false,
				pending_webhooks: 1
			});
			expect(event.id).toMatch(/^evt_/);
		}
		const completed = JSON.parse(receiver.received[2].body) as Stripe.CheckoutSessionCompletedEvent;
		expect(completed.data.object).toMatchObject({
			id: session.id,
			status: 'complete',
			payment_status: 'paid'
		});
		expect(() =>
			stripe.webhooks.constructEvent(
				receiver.received[0].body,
				String(receiver.received[0].headers['stripe-signature']),
				'whsec_wrong'
			)
		).toThrow(Stripe.errors.StripeSignatureVerificationError);
		const stored = await stripe.events.retrieve(completed.id);
		expect(stored).toMatchObject({ type: 'checkout.session.completed', pending_webhooks: 0 });
		const listed = await stripe.events.list({ type: 'checkout.session.*' });
		expect(listed.data.map((event) => event.id)).toEqual([completed.id]);
	});

	it('retries after a 500 with backoff and logs every attempt', async () => {
		const stripe = await setup((_body, index) => (index === 0 ? 500 : 200));
		await payOnce(stripe);
		await waitForDeliveries(4);
		const log = await deliveries();
		const first = log.filter((delivery) => delivery.type === 'charge.succeeded');
		expect(first.map(({ attempt, status }) => ({ attempt, status }))).toEqual([
			{ attempt: 1, status: 500 },
			{ attempt: 2, status: 200 }
		]);
		const retried = receiver.received.filter(({ body }) => body === receiver.received[0].body);
		expect(retried).toHaveLength(2);
	});

	it('retries a timed-out delivery and gives up after the last backoff step', async () => {
		const stripe = await setup(
			() => new Promise<number>((resolve) => setTimeout(() => resolve(200), 500)),
			100
		);
		const session = await createSession(stripe, await createPrice(stripe));
		await stripe.checkout.sessions.expire(session.id);
		await waitForDeliveries(3);
		const log = await deliveries();
		expect(log.map((delivery) => delivery.attempt)).toEqual([1, 2, 3]);
		expect(
			log.every(
				(delivery) => delivery.status === null && /timeout|aborted/i.test(delivery.error ?? '')
			)
		).toBe(true);
	});

	it('emits the delayed-payment events', async () => {
		const stripe = await setup();
		const session = await payOnce(stripe, { delayed: '1' });
		await control(emulator, `checkout/sessions/${session.id}/async_payment`, {
			result: 'succeeded'
		});
		const failing = await payOnce(stripe, { delayed: '1' });
		await control(emulator, `checkout/sessions/${failing.id}/async_payment`, { result: 'failed' });
		await waitForDeliveries(9);
		expect(receiver.types()).toEqual([
			'payment_intent.processing',
			'checkout.session.completed',
			...PAID_FLOW.slice(0, 2),
			'checkout.session.async_payment_succeeded',
			'payment_intent.processing',
			'checkout.session.completed',
			'payment_intent.payment_failed',
			'checkout.session.async_payment_failed'
		]);
	});
});

describe('delivery controls', () => {
	it('holds events while paused and delivers them all, shuffled, on resume', async () => {
		const stripe = await setup();
		await control(emulator, 'webhooks/pause');
		for (let i = 0; i < 4; i++) await payOnce(stripe);
		expect(receiver.received).toHaveLength(0);
		const events = (await stripe.events.list({ limit: 100 })).data
			.map((event) => event.id)
			.reverse();
		const response = await control(emulator, 'webhooks/resume', { shuffle: 'true' });
		const body = (await response.json()) as { deliveries: Delivery[]; webhooks: { idle: boolean } };
		expect(body.deliveries).toHaveLength(12);
		const order = receiver.received.map(({ body }) => (JSON.parse(body) as Stripe.Event).id);
		expect([...order].sort()).toEqual([...events].sort());
		expect(order).not.toEqual(events);
		expect(body.webhooks.idle).toBe(true);
	});

	it('resends an event and sends concurrent duplicates', async () => {
		const stripe = await setup();
		const session = await createSession(stripe, await createPrice(stripe));
		await stripe.checkout.sessions.expire(session.id);
		await waitForDeliveries(1);
		const eventId = (JSON.parse(receiver.received[0].body) as Stripe.Event).id;
		const resent = (await (await control(emulator, `events/${eventId}/resend`)).json()) as {
			delivery: Delivery;
		};
		expect(resent.delivery).toMatchObject({ event_id: eventId, status: 200 });
		const duplicated = (await (
			await control(emulator, `events/${eventId}/duplicate`, { count: '3' })
		).json()) as { deliveries: Delivery[] };
		expect(duplicated.deliveries).toHaveLength(3);
		expect(receiver.received).toHaveLength(5);
		expect(
			new Set(receiver.received.map(({ body }) => (JSON.parse(body) as Stripe.Event).id))
		).toEqual(new Set([eventId]));
		expect((await control(emulator, 'events/evt_missing/resend')).status).toBe(404);
	});
});
