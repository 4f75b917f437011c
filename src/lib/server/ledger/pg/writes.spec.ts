import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
});
