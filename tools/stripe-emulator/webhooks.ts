import type Stripe from 'stripe';
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
	retryDelaysMs: number[];
	timeoutMs: number;
	onDelivered(eventId: string): void;
}

interface Pending {
	event: Stripe.Event;
	attempt: number;
}

/**
 * Sends events one at a time in creation order; a failed attempt is retried on its own timer
 * so one failing event never holds back the rest.
 */
export class WebhookDispatcher {
	readonly log: Delivery[] = [];
	private queue: Pending[] = [];
	private paused = false;
	private draining: Promise<void> | null = null;
	private inFlight = 0;
	private readonly retries = new Set<NodeJS.Timeout>();
	private readonly abort = new AbortController();

	constructor(private readonly options: WebhookOptions) {}

	get status() {
		const { paused, queue, inFlight, retries } = this;
		const idle = queue.length === 0 && inFlight === 0 && retries.size === 0;
		return {
			url: this.options.url ?? null,
			paused,
			queued: queue.length,
			in_flight: inFlight,
			retrying: retries.size,
			idle
		};
	}

	enqueue(event: Stripe.Event): void {
		if (!this.options.url) return;
		this.queue.push({ event, attempt: 1 });
		if (!this.paused) void this.drain();
	}

	pause(): void {
		this.paused = true;
	}

	/** Sends what was queued while paused (shuffled on request) and resolves once each was tried. */
	async resume(shuffle: boolean): Promise<Delivery[]> {
		this.paused = false;
		if (shuffle) shuffleInPlace(this.queue);
		const before = this.log.length;
		await this.drain();
		return this.log.slice(before);
	}

	/** One extra attempt outside the queue, as Stripe's dashboard "Resend" does. */
	send(event: Stripe.Event): Promise<Delivery> {
		return this.attempt({ event, attempt: 1 }, false);
	}

	/** Forgets queued events, pending retries and the log (state was reset). */
	reset(): void {
		for (const timer of this.retries) clearTimeout(timer);
		this.retries.clear();
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
		const timer = setTimeout(() => {
			this.retries.delete(timer);
			const next = { event: pending.event, attempt: pending.attempt + 1 };
			if (this.paused) this.queue.push(next);
			else void this.attempt(next, true);
		}, delay);
		this.retries.add(timer);
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

function shuffleInPlace<T>(items: T[]): void {
	for (let i = items.length - 1; i > 0; i--) {
		const j = Math.floor(Math.random() * (i + 1));
		[items[i], items[j]] = [items[j], items[i]];
	}
}
