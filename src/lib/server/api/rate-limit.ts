/**
 * A token bucket per key, in this process: `perMinute` tokens refill evenly over a minute, and a key may
 * burst up to a minute's worth. Several server processes each keep their own buckets.
 */
export class TokenBucket {
	private readonly buckets = new Map<string, { tokens: number; at: number }>();

	constructor(
		private readonly perMinute: () => number,
		private readonly now: () => number = Date.now
	) {}

	/** Takes a token: 0 when one was there, else the milliseconds until one will be. */
	take(key: string): number {
		const capacity = this.perMinute();
		const perMs = capacity / 60_000;
		const now = this.now();
		const bucket = this.buckets.get(key) ?? { tokens: capacity, at: now };
		bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.at) * perMs);
		bucket.at = now;
		this.buckets.set(key, bucket);
		if (bucket.tokens >= 1) {
			bucket.tokens -= 1;
			return 0;
		}
		return Math.ceil((1 - bucket.tokens) / perMs);
	}
}
