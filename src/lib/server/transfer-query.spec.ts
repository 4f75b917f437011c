import { describe, expect, it } from 'vitest';
import { transferQuery, transferQueryView, transferRange } from './transfer-query';

const schema = transferQuery(['grant', 'spend']);
const parse = (query: string) =>
	schema.safeParse(
		Object.fromEntries([...new URLSearchParams(query)].filter(([, value]) => value !== ''))
	);

describe('transferQuery', () => {
	it('reads the type, whole UTC days and a cursor; the "to" day is included whole', () => {
		const parsed = parse('type=grant&from=2030-01-01&to=2030-01-31&before=42');
		expect(parsed.success).toBe(true);
		const query = parsed.data!;
		expect(transferRange(query)).toEqual({
			from: new Date('2030-01-01T00:00:00Z'),
			to: new Date('2030-02-01T00:00:00Z'),
			cursor: '42',
			newerCursor: undefined
		});
		expect(transferQueryView(query)).toEqual({
			type: 'grant',
			from: '2030-01-01',
			to: '2030-01-31'
		});
		expect(transferRange(parse('after=7').data!)).toMatchObject({ newerCursor: '7' });
		expect(parse('type=&from=&to=').data).toEqual({});
	});

	it('refuses what it cannot read, with a message', () => {
		for (const query of [
			'type=gift',
			'from=yesterday',
			'to=2030-02-30x',
			'to=2030-02-30',
			'from=2030-02-01&to=2030-01-01',
			'before=0',
			'after=abc',
			'before=3&after=5',
			'to=2030-13-45'
		]) {
			const parsed = parse(query);
			expect(parsed.success, query).toBe(false);
			expect(parsed.error?.issues[0].message, query).toMatch(/\w/);
		}
	});
});
