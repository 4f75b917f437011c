import { randomInt } from 'node:crypto';

/**
 * `realistic` delivers as Stripe does: concurrently, in no set order, now and then twice, and retries
 * on Stripe's schedule. `orderly` sends one event at a time in creation order and retries within
 * seconds, for tests that need to know what arrives when.
 */
export type DeliveryMode = 'orderly' | 'realistic';
export type RetrySchedule = 'test' | 'live';

export interface DeliverySettings {
	mode: DeliveryMode;
	/** Seeds the shuffle and the duplicates, so a failing run can be replayed. */
	seed: number;
	/** How many times faster than Stripe's clock retries come. */
	timeScale: number;
	retrySchedule: RetrySchedule;
	/** Share of events delivered twice in realistic mode. */
	duplicateRate: number;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * Stripe retries a failed delivery three times over a few hours in test mode, and for up to three
 * days with exponential backoff in live mode; it does not publish the exact intervals.
 */
export const STRIPE_RETRY_DELAYS_MS: Record<RetrySchedule, number[]> = {
	test: [5 * MINUTE_MS, HOUR_MS, 3 * HOUR_MS],
	live: liveBackoff()
};

/** 5 min, 10 min, 20 min… doubling while the last attempt stays within three days. */
function liveBackoff(): number[] {
	const delays: number[] = [];
	let elapsed = 0;
	for (let delay = 5 * MINUTE_MS; elapsed + delay <= 72 * HOUR_MS; delay *= 2) {
		delays.push(delay);
		elapsed += delay;
	}
	return delays;
}

/** Stripe's first test-mode retry (5 minutes) comes after one second. */
export const DEFAULT_TIME_SCALE = 300;
/** Orderly mode's retries, unscaled: quick, so a test sees its retry at once. */
export const ORDERLY_RETRY_DELAYS_MS = [1000, 2000, 4000, 8000, 16000, 30000];
/** In realistic mode each delivery waits up to this long, which is what shuffles them. */
export const MAX_DELIVERY_DELAY_MS = 250;
export const DEFAULT_DUPLICATE_RATE = 0.05;

/** The delivery settings the environment asks for; a bad value throws, naming the variable. */
export function deliveryFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<DeliverySettings> {
	const settings: Partial<DeliverySettings> = {};
	const mode = env.STRIPE_EMULATOR_DELIVERY;
	if (mode)
		settings.mode = oneOf('STRIPE_EMULATOR_DELIVERY', mode, ['orderly', 'realistic'] as const);
	const schedule = env.STRIPE_EMULATOR_RETRY_SCHEDULE;
	if (schedule)
		settings.retrySchedule = oneOf('STRIPE_EMULATOR_RETRY_SCHEDULE', schedule, [
			'test',
			'live'
		] as const);
	const seed = env.STRIPE_EMULATOR_SEED;
	if (seed) {
		if (!/^\d{1,10}$/.test(seed) || Number(seed) > 0xffffffff)
			throw new Error(`STRIPE_EMULATOR_SEED must be a whole number below 2^32 (got ${seed})`);
		settings.seed = Number(seed);
	}
	const scale = env.STRIPE_EMULATOR_TIME_SCALE;
	if (scale) {
		const value = Number(scale);
		if (!Number.isFinite(value) || value <= 0)
			throw new Error(`STRIPE_EMULATOR_TIME_SCALE must be a positive number (got ${scale})`);
		settings.timeScale = value;
	}
	return settings;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
	if ((allowed as readonly string[]).includes(value)) return value as T;
	throw new Error(`${name} must be one of ${allowed.join(', ')} (got ${value})`);
}

export function resolveDelivery(chosen: Partial<DeliverySettings>): DeliverySettings {
	return {
		mode: chosen.mode ?? 'realistic',
		seed: chosen.seed ?? randomInt(0, 2 ** 32 - 1),
		timeScale: chosen.timeScale ?? DEFAULT_TIME_SCALE,
		retrySchedule: chosen.retrySchedule ?? 'test',
		duplicateRate: chosen.duplicateRate ?? DEFAULT_DUPLICATE_RATE
	};
}

/** The wait before each retry, in real milliseconds. */
export function retryDelaysFor(settings: DeliverySettings): number[] {
	if (settings.mode === 'orderly') return ORDERLY_RETRY_DELAYS_MS;
	return STRIPE_RETRY_DELAYS_MS[settings.retrySchedule].map((delay) =>
		Math.round(delay / settings.timeScale)
	);
}

/** One line for logs: enough to replay a run. */
export function describeDelivery(settings: DeliverySettings): string {
	if (settings.mode === 'orderly') return 'webhooks: orderly delivery';
	return `webhooks: realistic delivery, seed ${settings.seed} (STRIPE_EMULATOR_SEED), retries on Stripe's ${settings.retrySchedule}-mode schedule ${settings.timeScale}× faster`;
}

/** mulberry32: small, fast and good enough to shuffle deliveries reproducibly. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
