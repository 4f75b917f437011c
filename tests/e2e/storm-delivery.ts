import type Stripe from 'stripe';
import { shuffle } from './storm-plan';

type Random = () => number;

/** Each event 1 to 5 times, all copies shuffled together. */
export function scheduleDeliveries(events: Stripe.Event[], random: Random): Stripe.Event[] {
	const copies = events.flatMap((event) =>
		Array.from({ length: 1 + Math.floor(random() * 5) }, () => event)
	);
	return shuffle(copies, random);
}

/** The payment intent an event's object belongs to (or is): what groups a purchase's events. */
export function intentOf(event: Stripe.Event): string | null {
	const object = event.data.object as { object?: string; id?: string; payment_intent?: unknown };
	const intent = object.object === 'payment_intent' ? object.id : object.payment_intent;
	return typeof intent === 'string' ? intent : null;
}

export type Ordering = {
	/** Pairs of one purchase's events whose first deliveries went in the reverse of Stripe's order. */
	reversedPairs: number;
	/** Purchases whose `payment_intent.succeeded` went before their `checkout.session.completed`. */
	paymentBeforeCheckout: number;
	/** Purchases with a refund or dispute event sent before either event that credits a payment. */
	reversalBeforeCredit: number;
};

/** How far the schedule strays from the order Stripe created the events in (`events`, oldest first). */
export function describeOrdering(events: Stripe.Event[], schedule: Stripe.Event[]): Ordering {
	const firstSent = new Map<string, number>();
	schedule.forEach((event, index) => {
		if (!firstSent.has(event.id)) firstSent.set(event.id, index);
	});
	const groups = new Map<string, Stripe.Event[]>();
	for (const event of events) {
		const intent = intentOf(event);
		if (intent) groups.set(intent, [...(groups.get(intent) ?? []), event]);
	}
	const ordering: Ordering = {
		reversedPairs: 0,
		paymentBeforeCheckout: 0,
		reversalBeforeCredit: 0
	};
	for (const group of groups.values()) {
		const sent = group.map((event) => firstSent.get(event.id)!);
		for (let i = 0; i < sent.length; i++)
			for (let j = i + 1; j < sent.length; j++) if (sent[j] < sent[i]) ordering.reversedPairs++;
		const firstOf = (match: (type: string) => boolean) =>
			Math.min(
				...group.filter((event) => match(event.type)).map((event) => firstSent.get(event.id)!)
			);
		const payment = firstOf((type) => type === 'payment_intent.succeeded');
		const checkout = firstOf((type) => type === 'checkout.session.completed');
		if (payment < checkout) ordering.paymentBeforeCheckout++;
		const reversal = firstOf(
			(type) => type === 'charge.refunded' || type.startsWith('charge.dispute.')
		);
		if (reversal < Math.min(payment, checkout)) ordering.reversalBeforeCredit++;
	}
	return ordering;
}

export type Answer = { eventId: string; type: string; status: number; body: string; ms: number };
export type StormResult = {
	/** Every answer, redeliveries included, in the order they came. */
	answers: Answer[];
	/** 5xx answers that ask Stripe to try again later (`processing_failed`), each followed by a redelivery. */
	retryLater: number;
	/** Events still answered `processing_failed` after `maxAttempts`. */
	gaveUp: string[];
	seconds: number;
};

type StormOptions = {
	url: string;
	secret: string;
	/** Only its `webhooks` helpers are used, to sign as Stripe does. */
	signer: Stripe;
	senders: number;
	maxAttempts?: number;
};

/**
 * `senders` concurrent senders POST the schedule's deliveries, each freshly signed with a
 * `Stripe-Signature` header as Stripe signs. A retry-later answer sends the event again at the back
 * of the queue, as Stripe's retries would, until it is processed or `maxAttempts` is reached.
 */
export async function sendStorm(
	schedule: Stripe.Event[],
	{ url, secret, signer, senders, maxAttempts = 20 }: StormOptions
): Promise<StormResult> {
	const queue = [...schedule];
	const attempts = new Map<string, number>();
	const result: StormResult = { answers: [], retryLater: 0, gaveUp: [], seconds: 0 };
	let inFlight = 0;
	const started = performance.now();

	async function send(event: Stripe.Event) {
		const payload = JSON.stringify(event, null, 2);
		const sentAt = performance.now();
		const response = await fetch(url, {
			method: 'POST',
			headers: {
				'content-type': 'application/json; charset=utf-8',
				'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
				'stripe-signature': signer.webhooks.generateTestHeaderString({ payload, secret })
			},
			body: payload
		});
		const answer = {
			eventId: event.id,
			type: event.type,
			status: response.status,
			body: await response.text(),
			ms: performance.now() - sentAt
		};
		result.answers.push(answer);
		if (!isRetryLater(answer)) return;
		result.retryLater++;
		const tries = (attempts.get(event.id) ?? 1) + 1;
		attempts.set(event.id, tries);
		if (tries > maxAttempts) result.gaveUp.push(event.id);
		else queue.push(event);
	}

	async function sender() {
		for (;;) {
			const event = queue.shift();
			if (!event) {
				// Another sender's answer may still put a retry in the queue.
				if (inFlight === 0) return;
				await new Promise((resolve) => setTimeout(resolve, 5));
				continue;
			}
			inFlight++;
			try {
				await send(event);
			} finally {
				inFlight--;
			}
		}
	}

	await Promise.all(Array.from({ length: senders }, sender));
	result.seconds = (performance.now() - started) / 1000;
	return result;
}

/** The webhook's documented "try again later": 500 `processing_failed` (docs/operations.md). */
export function isRetryLater({ status, body }: Pick<Answer, 'status' | 'body'>): boolean {
	if (status !== 500) return false;
	try {
		return (JSON.parse(body) as { error?: { code?: string } }).error?.code === 'processing_failed';
	} catch {
		return false;
	}
}
