import { describe, expect, it } from 'vitest';
import { TokenBucket } from './rate-limit';

describe('TokenBucket', () => {
	it('lets a key burst a minute’s worth, then refills it evenly; keys are apart', () => {
		let now = 0;
		const bucket = new TokenBucket(
			() => 60,
			() => now
		);
		for (let i = 0; i < 60; i++) expect(bucket.take('a')).toBe(0);
		expect(bucket.take('a')).toBe(1000);
		expect(bucket.take('b')).toBe(0);
		now += 500;
		expect(bucket.take('a')).toBe(500);
		now += 500;
		expect(bucket.take('a')).toBe(0);
		expect(bucket.take('a')).toBe(1000);
	});
});
