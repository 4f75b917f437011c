import { describe, expect, it } from 'vitest';
import { describeRetryAfter, Throttle } from './rate-limit';

describe('Throttle', () => {
	it('refuses a key after `limit` events in the window until the oldest ages out', () => {
		let now = 0;
		const throttle = new Throttle({ limit: 3, windowMs: 1000, now: () => now });
		for (const at of [0, 100, 200]) {
			now = at;
			expect(throttle.retryAfterMs('ip')).toBe(0);
			throttle.record('ip');
		}
		now = 300;
		expect(throttle.retryAfterMs('ip')).toBe(700);
		expect(throttle.retryAfterMs('other')).toBe(0);
		now = 999;
		expect(throttle.retryAfterMs('ip')).toBe(1);
		now = 1000;
		expect(throttle.retryAfterMs('ip')).toBe(0);
	});

	it('forgets a key on reset', () => {
		const throttle = new Throttle({ limit: 1, windowMs: 1000 });
		throttle.record('a@example.com');
		expect(throttle.retryAfterMs('a@example.com')).toBeGreaterThan(0);
		throttle.reset('a@example.com');
		expect(throttle.retryAfterMs('a@example.com')).toBe(0);
	});

	it('takes back one event on forgetOne', () => {
		const throttle = new Throttle({ limit: 2, windowMs: 1000 });
		throttle.record('ip');
		throttle.record('ip');
		expect(throttle.retryAfterMs('ip')).toBeGreaterThan(0);
		throttle.forgetOne('ip');
		expect(throttle.retryAfterMs('ip')).toBe(0);
		throttle.record('ip');
		expect(throttle.retryAfterMs('ip')).toBeGreaterThan(0);
	});

	it('reads a limit given as a function on every check', () => {
		let limit = 1;
		const throttle = new Throttle({ limit: () => limit, windowMs: 1000 });
		throttle.record('ip');
		expect(throttle.retryAfterMs('ip')).toBeGreaterThan(0);
		limit = 2;
		expect(throttle.retryAfterMs('ip')).toBe(0);
	});

	it('describes the wait in words', () => {
		expect(describeRetryAfter(1)).toBe('1 second');
		expect(describeRetryAfter(45_000)).toBe('45 seconds');
		expect(describeRetryAfter(61_000)).toBe('2 minutes');
	});
});
