import { describe, expect, it } from 'vitest';
import { formatCredits, formatMoney } from './format';

describe('formatting', () => {
	it('formats money from minor units in the right currency', () => {
		expect(formatMoney(3999, 'usd')).toBe('$39.99');
		expect(formatMoney(500, 'jpy')).toBe('¥500');
		expect(formatMoney(1999, 'eur', 'de-DE')).toBe('19,99\u00a0€');
	});

	it('groups the digits of a credit count', () => {
		expect(formatCredits(12500)).toBe('12,500');
		expect(formatCredits(-200)).toBe('-200');
	});
});
