import { count, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accounts } from './schema';
import { parseInteger } from './index';
import { usePgTestDatabase } from './testing';

describe('PostgreSQL connection', () => {
	const database = usePgTestDatabase();
	const db = () => database().db;

	it('reads int8, count() and sum() as numbers, never strings', async () => {
		const { rows } = await db().$client.query(
			`SELECT 9007199254740991::int8 AS big, count(*) AS n, sum(x) AS total
			FROM (VALUES (1::int8), (2::int8)) v(x)`
		);
		expect(rows[0]).toEqual({ big: 9007199254740991, n: 2, total: 3 });
	});

	it('reads them as numbers through drizzle too, whose driver passes parsers of its own', async () => {
		const { rows } = await db().execute(
			sql`SELECT sum(x) AS total, count(*) AS n FROM (VALUES (40::int8), (2::int8)) v(x)`
		);
		expect(rows[0]).toEqual({ total: 42, n: 2 });
		const [totals] = await db()
			.select({ credits: sql<number>`sum(${accounts.creditsPosted})`, n: count() })
			.from(accounts);
		expect(totals).toEqual({ credits: 0, n: 6 });
	});

	it('refuses an int8 beyond 2^53 instead of rounding it', async () => {
		await expect(db().$client.query('SELECT 9007199254740993::int8 AS v')).rejects.toThrow(
			/not a safe integer/
		);
		expect(() => parseInteger('12.5')).toThrow(RangeError);
	});

	it('gives test databases a lock and a statement timeout', async () => {
		const { rows } = await db().$client.query(
			`SELECT current_setting('lock_timeout') AS lock, current_setting('statement_timeout') AS statement`
		);
		expect(rows[0]).toEqual({ lock: '20s', statement: '30s' });
	});

	it('has the six system accounts after migration', async () => {
		const { rows } = await db().$client.query(
			'SELECT id, kind FROM accounts WHERE user_id IS NULL ORDER BY id'
		);
		expect(rows.map((row) => row.kind)).toEqual([
			'issued_purchase',
			'issued_grant',
			'spent',
			'expired',
			'clawed_back',
			'adjusted'
		]);
	});

	it('refuses to change or delete a transfer', async () => {
		const client = db().$client;
		await expect(client.query('DELETE FROM transfers')).resolves.toBeDefined(); // no rows: no trigger
		await expect(client.query('TRUNCATE transfers CASCADE')).rejects.toThrow(/immutable/);
	});
});
