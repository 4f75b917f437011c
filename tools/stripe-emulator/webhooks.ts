import type Stripe from 'stripe';
import { MAX_DELIVERY_DELAY_MS, type DeliveryMode } from './delivery';
import { signPayload } from './signature';

export interface Delivery {
	event_id: string;
	type: string;
	attempt: number;
	status: number | null;
	error: string | null;
	response: string | null;
	duration_ms: number;
	at: string;
}

export interface WebhookOptions {
	url?: string;
	secret: string;
	mode: DeliveryMode;
	/** Real milliseconds before each retry of a failed delivery. */
	retryDelaysMs: number[];
	timeoutMs: number;
	/** Realistic mode: the seeded source of delays and duplicates, and its seed. */
	random: () => number;
	seed: number;
	duplicateRate: number;
	onDelivered(eventId: string): void;
}

interface Pending {
	event: Stripe.Event;
	attempt: number;
}

/**
 * Orderly: events go one at a time in creation order. Realistic: each event goes after its own
 * random delay, concurrently with the rest, and now and then twice. In both, a failed attempt is
 * retried on its own timer, so one failing event never holds back the rest.
 */
export class WebhookDispatcher {
	readonly log: Delivery[] = [];
	private queue: Pending[] = [];
	private paused = false;
	private draining: Promise<void> | null = null;
	private inFlight = 0;
	private readonly retries = new Set<NodeJS.Timeout>();
	private readonly scheduled = new Set<NodeJS.Timeout>();
	private readonly abort = new AbortController();

	constructor(private readonly options: WebhookOptions) {}

	get status() {
		const { paused, queue, inFlight, retries, scheduled } = this;
		const idle = queue.length === 0 && inFlight === 0 && retries.size === 0 && scheduled.size === 0;
		return {
			url: this.options.url ?? null,
			mode: this.options.mode,
			seed: this.options.seed,
			paused,
			queued: queue.length,
			scheduled: scheduled.size,
			in_flight: inFlight,
			retrying: retries.size,
			idle
		};
	}

	enqueue(event: Stripe.Event): void {
		if (!this.options.url) return;
		const pending = { event, attempt: 1 };
		if (this.options.mode === 'orderly') {
			this.queue.push(pending);
			if (!this.paused) void this.drain();
			return;
		}
		this.later(() => this.deliver(pending, true), this.randomDelay(), this.scheduled);
		if (this.options.random() < this.options.duplicateRate)
			this.later(() => this.deliver(pending, false), this.randomDelay(), this.scheduled);
	}

	pause(): void {
		this.paused = true;
	}

	/** Sends what was queued while paused (shuffled on request) and resolves once each was tried. */
	async resume(shuffle: boolean): Promise<Delivery[]> {
		this.paused = false;
		if (shuffle) shuffleInPlace(this.queue, this.options.random);
		const before = this.log.length;
		await this.drain();
		return this.log.slice(before);
	}

	/** One extra attempt outside the queue, as Stripe's dashboard "Resend" does. */
	send(event: Stripe.Event): Promise<Delivery> {
		return this.attempt({ event, attempt: 1 }, false);
	}

	/** Forgets queued events, pending deliveries and retries, and the log (state was reset). */
	reset(): void {
		for (const timer of [...this.retries, ...this.scheduled]) clearTimeout(timer);
		this.retries.clear();
		this.scheduled.clear();
		this.queue = [];
		this.log.length = 0;
	}

	close(): void {
		this.abort.abort();
		this.reset();
	}

	private drain(): Promise<void> {
		this.draining ??= (async () => {
			while (!this.paused) {
				const next = this.queue.shift();
				if (!next) break;
				await this.attempt(next, true);
			}
		})().finally(() => {
			this.draining = null;
		});
		return this.draining;
	}

	/** Attempts now, or holds the attempt in the queue while paused. */
	private deliver(pending: Pending, retry: boolean): void {
		if (this.paused) this.queue.push(pending);
		else void this.attempt(pending, retry);
	}

	private later(run: () => void, delayMs: number, timers: Set<NodeJS.Timeout>): void {
		const timer = setTimeout(() => {
			timers.delete(timer);
			run();
		}, delayMs);
		timers.add(timer);
	}

	private randomDelay(): number {
		return Math.floor(this.options.random() * MAX_DELIVERY_DELAY_MS);
	}

	private async attempt(pending: Pending, retry: boolean): Promise<Delivery> {
		const delivery = await this.post(pending);
		this.log.push(delivery);
		const ok = delivery.status !== null && delivery.status >= 200 && delivery.status < 300;
		if (ok) this.options.onDelivered(pending.event.id);
		else if (retry) this.scheduleRetry(pending);
		return delivery;
	}

	private scheduleRetry(pending: Pending): void {
		const delay = this.options.retryDelaysMs[pending.attempt - 1];
		if (delay === undefined || this.abort.signal.aborted) return;
		const next = { event: pending.event, attempt: pending.attempt + 1 };
		this.later(() => this.deliver(next, true), delay, this.retries);
	}

	private async post({ event, attempt }: Pending): Promise<Delivery> {
		const payload = JSON.stringify(event, null, 2);
		const started = Date.now();
		const record = {
			event_id: event.id,
			type: event.type,
			attempt,
			at: new Date(started).toISOString()
		};
		this.inFlight++;
		try {
			const response = await fetch(this.options.url ?? '', {
				method: 'POST',
				headers: {
					'Content-Type': 'application/json; charset=utf-8',
					'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
					'Stripe-Signature': signPayload(payload, this.options.secret)
				},
				body: payload,
				signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.options.timeoutMs)])
			});
			const text = (await response.text()).slice(0, 500);
			return {
				...record,
				status: response.status,
				error: null,
				response: text,
				duration_ms: Date.now() - started
			};
		} catch (error) {
			const message =
				error instanceof Error
					? error.cause instanceof Error
						? error.cause.message
						: error.message
					: String(error);
			return {
				...record,
				status: null,
				error: message,
				response: null,
				duration_ms: Date.now() - started
			};
		} finally {
			this.inFlight--;
		}
	}
}

function shuffleInPlace<T>(items: T[], random: () => number): void {
	for (let i = items.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[items[i], items[j]] = [items[j], items[i]];
	}
}
