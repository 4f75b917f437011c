/** Attempts before a message is marked failed: with the delays below, about eight hours of retries. */
export const maxAttempts = 8;

const firstRetryMs = 5_000;
const growth = 4;
const longestWaitMs = 6 * 60 * 60_000;

/**
 * How long to wait after failed attempt `attempt` (1-based): 5 s, 20 s, 80 s, 5 min, 21 min, 85 min,
 * 5.7 h, each ±25 % so that receivers coming back from an outage are not hit by every retry at once.
 */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
	const base = Math.min(firstRetryMs * growth ** (attempt - 1), longestWaitMs);
	return Math.round(base * (0.75 + random() * 0.5));
}
