import { beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type PgDb } from '../../db/pg/index';
import { usePgTestDatabase } from '../../db/pg/testing';
import type { AsyncLedger } from '../async';
import { dayMs } from '../time';
import { createPgLedger } from './index';

const start = Date.UTC(2030, 0, 1);
const connections = 8;
const database = usePgTestDatabase({ max: connections });
let ledger: AsyncLedger;
let clock = start;

beforeAll(() => {
	ledger = createPgLedger(database().db, { now: () => new Date(clock) });
});

const times = <T>(n: number, run: (index: number) => Promise<T>) =>
	Promise.all(Array.from({ length: n }, (_, index) => run(index)));
const query = async (text: string, values: unknown[] = []) =>
	(await database().db.$client.query(text, values)).rows;
const transfersWithKey = async (key: string) =>
	(await query('SELECT count(*) AS n FROM transfers WHERE idempotency_key = $1', [key]))[0].n;
const grantTo = (userId: string, amount: number, idempotencyKey: string) =>
	ledger.grant({ userId, amount, category: 'paid', actor: 'admin:1', idempotencyKey });

describe('one key sent at once from several connections', () => {
	it('for the same grant to a new user: applied once, the others replay it', async () => {
		const results = await times(4 * connections, () => grantTo('new-user', 10, 'race-grant'));
		const applied = results.filter((r) => r.ok && !r.replayed);
		expect(applied).toEqual([expect.objectContaining({ ok: true, balance: 10 })]);
		for (const replay of results.filter((r) => r !== applied[0])) {
			expect(replay).toEqual({ ...applied[0], replayed: true });
		}
		expect(await transfersWithKey('race-grant')).toBe(1);
	});

	it('for the same spend: applied once, the others replay it', async () => {
		await grantTo('spender', 100, 'spender-funds');
		const results = await times(4 * connections, () =>
			ledger.spend({ userId: 'spender', amount: 7, actor: 'user', idempotencyKey: 'race-spend' })
		);
		expect(results.filter((r) => r.ok && !r.replayed)).toHaveLength(1);
		expect(results.every((r) => r.ok && r.balance === 93)).toBe(true);
		expect(await transfersWithKey('race-spend')).toBe(1);
	});

	it('for different users or parameters: one applies, every other gets idempotency_conflict', async () => {
		const users = Array.from({ length: 4 * connections }, (_, index) => `racer-${index}`);
		await Promise.all(users.map((userId) => grantTo(userId, 5, `funds-${userId}`)));
		const spends = await Promise.all(
			users.map((userId) =>
				ledger.spend({ userId, amount: 1, actor: 'user', idempotencyKey: 'race-shared' })
			)
		);
		const grants = await times(4 * connections, (index) =>
			grantTo(`fresh-${index % 3}`, 1 + index, 'race-shared-grant')
		);
		for (const results of [spends, grants]) {
			expect(results.filter((r) => r.ok)).toHaveLength(1);
			for (const refused of results.filter((r) => !r.ok)) {
				expect(refused).toEqual({
					ok: false,
					error: {
						code: 'idempotency_conflict',
						message: expect.stringMatching(
							/^idempotency key "race-shared(-grant)?" was already used/
						)
					}
				});
			}
		}
	});
});

describe('concurrent spends of one account', () => {
	it('never overspend: exactly the balance is spent, the rest is refused', async () => {
		await grantTo('shared', 30, 'shared-1');
		await ledger.grant({
			userId: 'shared',
			amount: 20,
			category: 'free',
			expiresAt: new Date(clock + dayMs),
			actor: 'admin:1',
			idempotencyKey: 'shared-2'
		});
		const results = await times(80, (index) =>
			ledger.spend({ userId: 'shared', amount: 1, actor: 'u', idempotencyKey: `s-${index}` })
		);
		expect(results.filter((r) => r.ok)).toHaveLength(50);
		for (const refused of results.filter((r) => !r.ok)) {
			expect(refused).toEqual({
				ok: false,
				error: { code: 'insufficient_credits', message: '1 credits requested, 0 available' }
			});
		}
		const [account] = await query(
			`SELECT credits_posted - debits_posted AS balance,
			(SELECT sum(remaining) FROM lots WHERE account_id = a.id) AS lots FROM accounts a WHERE user_id = 'shared'`
		);
		expect(account).toEqual({ balance: 0, lots: 0 });
	});
});

describe('the sweeper across instances', () => {
	const dueUsers = 12;
	const setUpDueLots = async (prefix: string) => {
		// what earlier tests left due is swept first, so only these lots are due after
		clock += 2 * dayMs;
		await ledger.expire();
		await times(dueUsers, (index) =>
			ledger.grant({
				userId: `${prefix}-${index}`,
				amount: 3,
				category: 'free',
				expiresAt: new Date(clock + dayMs),
				actor: 'admin:1',
				idempotencyKey: `${prefix}-${index}`
			})
		);
		clock += dayMs;
	};
	const expiries = async () =>
		(await query(`SELECT count(*) AS n FROM transfers WHERE code = 'expire'`))[0].n;

	it('does nothing while another session sweeps, and the two summaries add up to one sweep', async () => {
		await setUpDueLots('held');
		const before = await expiries();
		const other = await database().db.$client.connect();
		try {
			await other.query('BEGIN');
			const { rows } = await other.query('SELECT ledger_expire_batch($1, 200) AS batch', [clock]);
			expect(rows[0].batch).toMatchObject({ busy: false, accounts: dueUsers });
			expect(await ledger.expire()).toEqual({ accounts: 0, lots: 0, holds: 0, credits: 0 });
			await other.query('COMMIT');
		} finally {
			// a connection left inside the transaction would keep the sweep's lock
			other.release(true);
		}
		expect(await ledger.expire()).toEqual({ accounts: 0, lots: 0, holds: 0, credits: 0 });
		expect((await expiries()) - before).toBe(dueUsers);
	});

	it('two pools sweeping at once never write an expiry twice', async () => {
		await setUpDueLots('pools');
		const before = await expiries();
		const second: PgDb = openPostgres(database().url, { max: 2 });
		try {
			const twin = createPgLedger(second, { now: () => new Date(clock) });
			const summaries = await Promise.all([ledger.expire(), twin.expire(), ledger.expire()]);
			const total = summaries.reduce((sum, s) => ({
				accounts: sum.accounts + s.accounts,
				lots: sum.lots + s.lots,
				holds: sum.holds + s.holds,
				credits: sum.credits + s.credits
			}));
			expect(total).toEqual({
				accounts: dueUsers,
				lots: dueUsers,
				holds: 0,
				credits: 3 * dueUsers
			});
		} finally {
			await second.$client.end();
		}
		expect((await expiries()) - before).toBe(dueUsers);
	});

	it('loops batches until nothing is due', async () => {
		const many = 450;
		clock += 2 * dayMs;
		await ledger.expire();
		await times(many, (index) =>
			ledger.grant({
				userId: `batch-${index}`,
				amount: 1,
				category: 'paid',
				expiresAt: new Date(clock + dayMs),
				actor: 'admin:1',
				idempotencyKey: `batch-${index}`
			})
		);
		clock += dayMs;
		expect(await ledger.expire()).toEqual({ accounts: many, lots: many, holds: 0, credits: many });
		expect(await query('SELECT id FROM accounts WHERE next_expiry_at <= $1', [clock])).toEqual([]);
	});
});
