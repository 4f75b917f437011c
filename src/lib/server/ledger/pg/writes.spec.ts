import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Result } from '../errors';
import type { GrantInput } from '../grant';
import { lotCategories, lotCategoryRank, transferCodes } from '../schema';
import { dayMs } from '../time';
import { ruleOf } from '../transfer-codes';
import { createTwins, type Twins } from './twins';

let t: Twins;
beforeEach(async () => {
	t = await createTwins();
});
afterEach(async () => {
	await t.expectSameState();
	await t.drop();
});

const grant = (input: Partial<GrantInput> & { amount: number; idempotencyKey: string }) =>
	t.both((l) => l.grant({ userId: 'ann', category: 'paid', actor: 'admin:1', ...input }));
const spend = (amount: number, idempotencyKey: string, userId = 'ann') =>
	t.both((l) => l.spend({ userId, amount, actor: `user:${userId}`, idempotencyKey }));

describe('the PostgreSQL functions mirror the TypeScript rules', () => {
	it('know every transfer code as transfer-codes.ts does', async () => {
		for (const code of transferCodes) {
			for (const holdId of [null, 1]) {
				const { rows } = await t.pgDb.$client.query(
					'SELECT system_kind AS system, user_side AS "userSide", pending, lots FROM ledger_rule($1, $2)',
					[code, holdId]
				);
				expect({ code, holdId, rule: rows[0] }).toEqual({
					code,
					holdId,
					rule: ruleOf(code, holdId)
				});
			}
		}
	});

	it('rank lot categories as schema.ts does', async () => {
		for (const category of lotCategories) {
			const { rows } = await t.pgDb.$client.query(
				`SELECT (ledger_spend_order(ROW(1, 1, 1, $1, 1, 1, 0, 0, NULL, 0)::lots))[3] AS rank`,
				[category]
			);
			expect(rows[0].rank).toBe(lotCategoryRank[category]);
		}
	});

	it('never read the server clock: every time is the p_now passed in', async () => {
		const rows = await t.pgDb.$client.query(
			`SELECT proname, prosrc FROM pg_proc WHERE proname LIKE 'ledger\\_%'`
		);
		expect(rows.rows.length).toBeGreaterThan(20);
		const clockReads =
			/\b(now|clock_timestamp|statement_timestamp|transaction_timestamp|timeofday)\s*\(|current_(timestamp|date|time)|localtime/i;
		expect(
			rows.rows.filter((row) => clockReads.test(row.prosrc)).map((row) => row.proname)
		).toEqual([]);
	});
});

describe('grant and spend on PostgreSQL give what SQLite gives', () => {
	it('spend across several lots in spend order: soonest expiry, free before paid, oldest', async () => {
		await grant({ amount: 10, idempotencyKey: 'g1' });
		await grant({ amount: 5, category: 'paid', expiresAt: t.at(5 * dayMs), idempotencyKey: 'g2' });
		await grant({ amount: 5, category: 'free', expiresAt: t.at(5 * dayMs), idempotencyKey: 'g3' });
		await grant({ amount: 3, category: 'free', idempotencyKey: 'g4', code: 'purchase' });
		await grant({ amount: 4, category: 'free', expiresAt: t.at(9 * dayMs), idempotencyKey: 'g5' });
		expect(await spend(7, 's1')).toMatchObject({ ok: true, balance: 20, available: 20 });
		await spend(2, 's2');
		await spend(6, 's3');
		await spend(30, 's4');
		await spend(9, 's5');
		expect(await spend(4, 's6')).toMatchObject({
			ok: false,
			error: { code: 'insufficient_credits' }
		});
		await spend(1, 's7', 'nobody');
	});

	it('refuse bad input before any query, with the same messages', async () => {
		for (const amount of [0, -3, 1.5, Number.NaN, 2 ** 53]) {
			await grant({ amount, idempotencyKey: t.key() });
			await spend(amount, t.key());
		}
		for (const idempotencyKey of ['', 'ledger:mine', 'x'.repeat(256)]) {
			await grant({ amount: 1, idempotencyKey });
			await spend(1, idempotencyKey);
		}
		await grant({ amount: 1, category: 'gold' as never, idempotencyKey: t.key() });
		await grant({ amount: 1, code: 'spend' as never, idempotencyKey: t.key() });
		await grant({ amount: 1, expiresAt: t.at(0), idempotencyKey: t.key() });
		await grant({ amount: 1, expiresAt: new Date(Number.NaN), idempotencyKey: t.key() });
	});

	it('replay a grant and a spend, and refuse a key reused with other parameters', async () => {
		await grant({ amount: 10, expiresAt: t.at(dayMs), reference: 'p1', idempotencyKey: 'g1' });
		await spend(3, 's1');
		t.advance(2 * dayMs);
		// the lot expired and its expiry is now in the past: a retry still answers the original result
		const original = { amount: 10, expiresAt: t.at(-dayMs), reference: 'p1' };
		expect(await grant({ ...original, idempotencyKey: 'g1' })).toMatchObject({ replayed: true });
		expect(
			await grant({ ...original, expiresAt: t.at(dayMs), idempotencyKey: 'g1' })
		).toMatchObject({ ok: false, error: { code: 'idempotency_conflict' } });
		expect(await spend(3, 's1')).toMatchObject({ replayed: true });
		await spend(4, 's1');
		await spend(3, 's1', 'bob');
		await grant({ ...original, userId: 'bob', idempotencyKey: 'g1' });
		await t.both((l) =>
			l.spend({
				userId: 'ann',
				amount: 3,
				reason: 'other',
				actor: 'user:ann',
				idempotencyKey: 's1'
			})
		);
		await t.both((l) =>
			l.spend({ userId: 'ann', amount: 3, actor: 'user:bob', idempotencyKey: 's1' })
		);
		await spend(1, 'g1');
	});

	it('replay or refuse a spend whose key is taken without using up a transfer id', async () => {
		await grant({ amount: 10, idempotencyKey: 'g1' });
		await spend(3, 's1');
		// nothing is due and the lot covers each: the spends that an account usually makes
		expect(await spend(3, 's1')).toMatchObject({ replayed: true });
		expect(await spend(2, 's1')).toMatchObject({ error: { code: 'idempotency_conflict' } });
		expect(await spend(1, 'g1')).toMatchObject({ error: { code: 'idempotency_conflict' } });
		expect(await spend(2, 's2')).toMatchObject({ ok: true, balance: 5, replayed: false });
	});
});

const hold = (amount: number, expiresIn: number, idempotencyKey: string, userId = 'ann') =>
	t.both((l) =>
		l.hold({ userId, amount, expiresAt: t.at(expiresIn), actor: 'app', idempotencyKey })
	);
const capture = (holdId: number, amount: number | undefined, idempotencyKey: string) =>
	t.both((l) => l.capture({ holdId, amount, actor: 'app', idempotencyKey }));
const release = (holdId: number, idempotencyKey: string, userId?: string) =>
	t.both((l) => l.release({ holdId, userId, actor: 'app', idempotencyKey }));
const holdIdOf = (result: Result<{ holdId: number }>) => {
	expect(result.ok).toBe(true);
	return result.ok ? result.holdId : 0;
};

describe('expiry, holds, clawbacks and adjustments on PostgreSQL give what SQLite gives', () => {
	it('expire a lot exactly at its expiry, in a spend and in the sweep', async () => {
		await grant({ amount: 10, expiresAt: t.at(dayMs), idempotencyKey: 'g1' });
		await grant({ amount: 4, userId: 'bob', expiresAt: t.at(dayMs), idempotencyKey: 'g2' });
		await grant({ amount: 6, userId: 'cy', expiresAt: t.at(2 * dayMs), idempotencyKey: 'g3' });
		t.advance(dayMs - 1);
		expect(await spend(2, 's1')).toMatchObject({ ok: true, balance: 8 });
		t.advance(1);
		expect(await spend(1, 's2')).toMatchObject({ ok: false });
		expect(await t.both((l) => l.expire())).toEqual({ accounts: 1, lots: 1, holds: 0, credits: 4 });
		expect(await t.both((l) => l.expire())).toEqual({ accounts: 0, lots: 0, holds: 0, credits: 0 });
		t.advance(dayMs);
		await t.both((l) => l.expire());
		await t.both((l) => l.rollUp());
	});

	it('capture part of a hold, release another, expire a third, refuse the rest', async () => {
		await grant({ amount: 5, category: 'free', expiresAt: t.at(3 * dayMs), idempotencyKey: 'g1' });
		await grant({ amount: 10, idempotencyKey: 'g2' });
		await grant({ amount: 3, userId: 'bob', idempotencyKey: 'g3' });
		const first = holdIdOf(await hold(8, dayMs, 'h1'));
		expect(await capture(first, 5, 'c1')).toMatchObject({ captured: 5, released: 3 });
		await capture(first, 1, 'c2');
		const second = holdIdOf(await hold(4, dayMs, 'h2'));
		await capture(second, 5, 'c3');
		await release(second, 'r1', 'bob');
		await release(second, 'r2');
		await release(second, 'r3');
		await capture(999, undefined, 'c4');
		const third = holdIdOf(await hold(6, dayMs, 'h3'));
		await hold(1, 2 * dayMs, 'h4', 'bob');
		await hold(5, dayMs, 'h5');
		await hold(0, dayMs, 'h6');
		await t.both((l) =>
			l.hold({ userId: 'ann', amount: 1, expiresAt: t.at(-1), actor: 'app', idempotencyKey: 'h7' })
		);
		t.advance(dayMs);
		await capture(third, undefined, 'c5');
		expect(await t.both((l) => l.expire())).toMatchObject({ holds: 0 });
		const fourth = holdIdOf(await hold(2, dayMs, 'h8'));
		t.advance(3 * dayMs);
		expect(await t.both((l) => l.expire())).toMatchObject({ accounts: 2, holds: 2 });
		await capture(fourth, undefined, 'c6');
		await t.both((l) => l.rollUp());
	});

	it('claw back into debt, refuse spends in debt, repay the debt from a later grant', async () => {
		await grant({ amount: 10, code: 'purchase', reference: 'p1', idempotencyKey: 'g1' });
		await grant({ amount: 5, category: 'free', expiresAt: t.at(dayMs), idempotencyKey: 'g2' });
		await grant({ amount: 3, userId: 'bob', idempotencyKey: 'g3' });
		await spend(4, 's1');
		const h = holdIdOf(await hold(3, 2 * dayMs, 'h1'));
		const clawback = (amount: number, key: string, extra: object = {}) =>
			t.both((l) =>
				l.clawback({
					userId: 'ann',
					amount,
					code: 'refund',
					fromLotReference: 'p1',
					reference: 'p1',
					actor: 'stripe',
					idempotencyKey: key,
					...extra
				})
			);
		expect(await clawback(12, 'k1')).toMatchObject({ ok: true, debt: 4 });
		await spend(1, 's2');
		await clawback(1, 'k2', { fromLotId: 1, fromLotReference: undefined });
		await clawback(1, 'k3', { fromLotId: 3 });
		await clawback(1, 'k4', { code: 'chargeback' });
		await clawback(2, 'k5', { userId: 'new', code: 'dispute' });
		await release(h, 'r1');
		t.advance(dayMs);
		await grant({ amount: 2, idempotencyKey: 'g4' });
		await grant({ amount: 9, code: 'reinstate', idempotencyKey: 'g5' });
		expect(await spend(1, 's3')).toMatchObject({ ok: true });
		await clawback(12, 'k1');
		await t.both((l) => l.rollUp());
	});

	it('adjust within the balance, refuse beyond it unless forced, and require a reason', async () => {
		await grant({ amount: 10, idempotencyKey: 'g1' });
		const adjust = (amount: number, key: string, extra: object = {}) =>
			t.both((l) =>
				l.adjust({
					userId: 'ann',
					amount,
					reason: 'correction',
					actor: 'admin:1',
					idempotencyKey: key,
					...extra
				})
			);
		await adjust(4, 'a1');
		await adjust(7, 'a2');
		expect(await adjust(7, 'a3', { force: true })).toMatchObject({ ok: true, debt: 1 });
		await adjust(1, 'a4');
		await adjust(1, 'a5', { reason: ' ' });
		await adjust(3, 'a6', { userId: 'new', force: true });
		await adjust(3, 'a7', { userId: 'other' });
		await adjust(7, 'a3', { force: true });
		await adjust(7, 'a3');
		await t.both((l) => l.rollUp());
	});

	it('replay every operation, and refuse each key reused with other parameters or another user', async () => {
		await grant({ amount: 20, idempotencyKey: 'g1' });
		await grant({ amount: 5, userId: 'bob', idempotencyKey: 'g2' });
		const expiresAt = t.at(dayMs);
		const h1 = holdIdOf(await hold(5, dayMs, 'h1'));
		const h2 = holdIdOf(await hold(3, dayMs, 'h2'));
		const operations: ((
			l: Parameters<Parameters<Twins['both']>[0]>[0],
			changed: string
		) => Promise<unknown>)[] = [
			(l, c) =>
				l.grant({
					userId: c || 'ann',
					amount: 20,
					category: 'paid',
					actor: 'admin:1',
					idempotencyKey: 'g1'
				}),
			(l, c) =>
				l.spend({ userId: 'ann', amount: 2, reason: c || null, actor: 'a', idempotencyKey: 's1' }),
			(l, c) =>
				l.hold({
					userId: c || 'ann',
					amount: 5,
					expiresAt,
					actor: 'app',
					idempotencyKey: 'h1'
				}),
			(l, c) =>
				l.capture({ holdId: h1, amount: 2, reason: c || null, actor: 'app', idempotencyKey: 'c1' }),
			(l, c) =>
				l.release({ holdId: h2, userId: c || undefined, actor: 'app', idempotencyKey: 'r1' }),
			(l, c) =>
				l.clawback({
					userId: 'ann',
					amount: 1,
					code: 'refund',
					reason: c || null,
					actor: 's',
					idempotencyKey: 'k1'
				}),
			(l, c) =>
				l.adjust({
					userId: c || 'ann',
					amount: 1,
					reason: 'fix',
					actor: 'admin:1',
					idempotencyKey: 'a1'
				})
		];
		for (const operation of operations) await t.both((l) => operation(l, ''));
		t.advance(2 * dayMs);
		for (const operation of operations) {
			expect(await t.both((l) => operation(l, ''))).toMatchObject({ ok: true, replayed: true });
			expect(await t.both((l) => operation(l, 'bob'))).toMatchObject({
				ok: false,
				error: { code: 'idempotency_conflict' }
			});
		}
		await t.both((l) => l.rollUp());
	});
});
