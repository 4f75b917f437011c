import { describe, expect, it } from 'vitest';
import { parseLedgerFilter } from './ledger-filter';

const parse = (query: string) => parseLedgerFilter(new URLSearchParams(query));

describe('parseLedgerFilter', () => {
	it('reads code, whole UTC days and the cursor; blank fields filter nothing', () => {
		expect(parse('code=grant&from=2030-01-01&to=2030-01-31&cursor=42')).toEqual({
			ok: true,
			query: { code: 'grant', from: '2030-01-01', to: '2030-01-31' },
			filter: {
				code: 'grant',
				from: new Date('2030-01-01T00:00:00Z'),
				to: new Date('2030-02-01T00:00:00Z'),
				cursor: '42'
			}
		});
		expect(parse('code=&from=&to=')).toEqual({ ok: true, query: {}, filter: {} });
	});

	it('refuses what it cannot read, with a message', () => {
		for (const query of [
			'code=gift',
			'from=yesterday',
			'to=2030-02-30x',
			'to=2030-02-30',
			'from=2030-02-01&to=2030-01-01',
			'cursor=0',
			'cursor=abc',
			'to=2030-13-45'
		])
			expect(parse(query), query).toMatchObject({ ok: false, message: expect.any(String) });
	});
});
