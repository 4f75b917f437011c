import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import type { Delivery } from './webhooks';
import {
	STRIPE_RETRY_DELAYS_MS,
	deliveryFromEnv,
	retryDelaysFor,
	resolveDelivery,
	seededRandom
} from './delivery';
import type { EmulatorOptions, RunningEmulator } from './server';
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

const PAID_FLOW = [
	'payment_intent.created',
	'charge.succeeded',
	'payment_intent.succeeded',
	'checkout.session.completed',
	'charge.updated'
];

let emulator: RunningEmulator;
let receiver: WebhookReceiver;

/** Orderly delivery with quick retries, unless the test asks for other options. */
async function setup(
	respond?: Parameters<typeof startWebhookReceiver>[0],
	timeoutMs?: number,
	options: EmulatorOptions = { delivery: { mode: 'orderly' }, retryDelaysMs: [50, 100] }
) {
	receiver = await startWebhookReceiver(respond);
	const started = await startTestEmulator({
		webhookUrl: receiver.url,
		webhookTimeoutMs: timeoutMs,
		...options
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
		await waitForDeliveries(5);
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
		const completed = JSON.parse(receiver.received[3].body) as Stripe.CheckoutSessionCompletedEvent;
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
		await waitForDeliveries(6);
		const log = await deliveries();
		const first = log.filter((delivery) => delivery.type === 'payment_intent.created');
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
		await waitForDeliveries(12);
		expect(receiver.types()).toEqual([
			'payment_intent.created',
			'payment_intent.processing',
			'checkout.session.completed',
			'charge.succeeded',
			'payment_intent.succeeded',
			'checkout.session.async_payment_succeeded',
			'charge.updated',
			'payment_intent.created',
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
		expect(body.deliveries).toHaveLength(20);
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

describe('realistic delivery', () => {
	const eventIds = (received: WebhookReceiver['received']) =>
		received.map(({ body }) => (JSON.parse(body) as Stripe.Event).id);

	async function createdOrder(stripe: Stripe) {
		return (await stripe.events.list({ limit: 100 })).data.map((event) => event.id).reverse();
	}

	it('delivers every event, concurrently and out of creation order, for a fixed seed', async () => {
		let open = 0;
		let mostOpen = 0;
		const stripe = await setup(
			async () => {
				mostOpen = Math.max(mostOpen, ++open);
				await new Promise((resolve) => setTimeout(resolve, 100));
				open--;
				return 200;
			},
			undefined,
			{ delivery: { mode: 'realistic', seed: 7, duplicateRate: 0 } }
		);
		for (let i = 0; i < 3; i++) await payOnce(stripe);
		const events = await createdOrder(stripe);
		await waitForDeliveries(events.length);
		const order = eventIds(receiver.received);
		expect([...order].sort()).toEqual([...events].sort());
		expect(order).not.toEqual(events);
		expect(mostOpen).toBeGreaterThan(1);
	});

	it('sends an event twice now and then, with the same id', async () => {
		const stripe = await setup(undefined, undefined, {
			delivery: { mode: 'realistic', seed: 1, duplicateRate: 1 }
		});
		await payOnce(stripe);
		await waitForDeliveries(10);
		const counts = new Map<string, number>();
		for (const id of eventIds(receiver.received)) counts.set(id, (counts.get(id) ?? 0) + 1);
		expect([...counts.values()]).toEqual([2, 2, 2, 2, 2]);
	});

	it('retries a failing endpoint on Stripe’s test-mode schedule, compressed by the time scale', async () => {
		const timeScale = 6000;
		const stripe = await setup(() => 500, undefined, {
			delivery: { mode: 'realistic', seed: 3, duplicateRate: 0, timeScale }
		});
		const session = await createSession(stripe, await createPrice(stripe));
		await stripe.checkout.sessions.expire(session.id);
		await waitForDeliveries(4, 10_000);
		const times = (await deliveries()).map((delivery) => Date.parse(delivery.at));
		const gaps = times.slice(1).map((at, i) => at - times[i]);
		const expected = STRIPE_RETRY_DELAYS_MS.test.map((delay) => delay / timeScale);
		expect(expected).toEqual([50, 600, 1800]);
		gaps.forEach((gap, i) => {
			expect(gap).toBeGreaterThanOrEqual(expected[i] - 5);
			expect(gap).toBeLessThan(expected[i] + 400);
		});
	});
});

describe('delivery settings', () => {
	it('replays the same shuffle from the same seed', () => {
		const draw = (seed: number) => Array.from({ length: 5 }, seededRandom(seed));
		expect(draw(42)).toEqual(draw(42));
		expect(draw(42)).not.toEqual(draw(43));
	});

	it('keeps live-mode retries within Stripe’s three days, each wait twice the last', () => {
		const live = STRIPE_RETRY_DELAYS_MS.live;
		expect(live.reduce((sum, delay) => sum + delay, 0)).toBeLessThanOrEqual(72 * 3_600_000);
		live.slice(1).forEach((delay, i) => expect(delay).toBe(live[i] * 2));
		const test = STRIPE_RETRY_DELAYS_MS.test;
		expect(test).toHaveLength(3);
	});

	it('defaults to realistic delivery whose first retry comes within a second or two', () => {
		const settings = resolveDelivery({});
		expect(settings.mode).toBe('realistic');
		expect(retryDelaysFor(settings)[0]).toBeLessThanOrEqual(2000);
	});

	it('reads the environment and names a bad variable', () => {
		expect(
			deliveryFromEnv({
				STRIPE_EMULATOR_DELIVERY: 'orderly',
				STRIPE_EMULATOR_SEED: '123',
				STRIPE_EMULATOR_TIME_SCALE: '60',
				STRIPE_EMULATOR_RETRY_SCHEDULE: 'live'
			})
		).toEqual({ mode: 'orderly', seed: 123, timeScale: 60, retrySchedule: 'live' });
		expect(() => deliveryFromEnv({ STRIPE_EMULATOR_DELIVERY: 'fast' })).toThrow(
			/STRIPE_EMULATOR_DELIVERY must be one of orderly, realistic/
		);
		expect(() => deliveryFromEnv({ STRIPE_EMULATOR_TIME_SCALE: '0' })).toThrow(
			/STRIPE_EMULATOR_TIME_SCALE/
		);
		expect(() => deliveryFromEnv({ STRIPE_EMULATOR_SEED: 'abc' })).toThrow(/STRIPE_EMULATOR_SEED/);
	});
});
