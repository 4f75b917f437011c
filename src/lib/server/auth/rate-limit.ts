/** `limit` may be a function, read on every check, for limits that come from configuration. */
export type ThrottleOptions = {
	limit: number | (() => number);
	windowMs: number;
	now?: () => number;
};

/**
 * Counts events per key in a sliding window; once `limit` events fall inside the window, the key
 * is refused until the oldest of them ages out.
 */
export class Throttle {
	private readonly events = new Map<string, number[]>();
	private readonly now: () => number;

	constructor(private readonly options: ThrottleOptions) {
		this.now = options.now ?? Date.now;
	}

	/** Milliseconds until the key may try again, or 0 when it may now. */
	retryAfterMs(key: string): number {
		const recent = this.recent(key);
		const limit =
			typeof this.options.limit === 'function' ? this.options.limit() : this.options.limit;
		if (recent.length < limit) return 0;
		return recent[recent.length - limit] + this.options.windowMs - this.now();
	}

	record(key: string) {
		const recent = this.recent(key);
		recent.push(this.now());
		this.events.set(key, recent);
	}

	/** Takes back one recorded event, e.g. an attempt counted in advance that turned out to succeed. */
	forgetOne(key: string) {
		const recent = this.recent(key);
		recent.pop();
		if (recent.length > 0) this.events.set(key, recent);
		else this.events.delete(key);
	}

	reset(key: string) {
		this.events.delete(key);
	}

	clear() {
		this.events.clear();
	}

	private recent(key: string): number[] {
		const since = this.now() - this.options.windowMs;
		const recent = (this.events.get(key) ?? []).filter((at) => at > since);
		if (recent.length === 0) this.events.delete(key);
		return recent;
	}
}

/** The `Retry-After` header of a 429: whole seconds, rounded up. */
export function retryAfterHeader(ms: number): { 'retry-after': string } {
	return { 'retry-after': String(Math.ceil(ms / 1000)) };
}

export function describeRetryAfter(ms: number): string {
	const seconds = Math.ceil(ms / 1000);
	if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
	const minutes = Math.ceil(seconds / 60);
	return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
