import { describe, expect, it } from 'vitest';
import { parseSince } from './reconcile';

const now = Date.parse('2026-12-01T12:00:00Z');

describe('parseSince', () => {
	it('reads a day from its start in UTC and a number of days back', () => {
		expect(parseSince('2026-11-28', now)).toEqual(new Date('2026-11-28T00:00:00Z'));
		expect(parseSince('3d', now)).toEqual(new Date('2026-11-28T12:00:00Z'));
	});

	it('refuses anything else', () => {
		for (const value of ['', '3', '-3d', '2026-02-30', '28.11.2026', 'yesterday'])
			expect(parseSince(value, now), value).toBeNull();
	});
});
