import { afterEach, describe, expect, it } from 'vitest';
import { createPgTestDatabase } from '../../db/pg/testing';
import { createTestLedger } from '../testing/ledger';
import { createPgLedger } from './index';
import { copyLedger } from './testing';

const databases: { drop: () => Promise<void> }[] = [];
afterEach(async () => {
	await Promise.all(databases.splice(0).map((database) => database.drop()));
});

/** verify.spec.ts's ledger, written on SQLite and copied to PostgreSQL, where each test corrupts it. */
async function setup(options: { rollUp?: boolean } = {}) {
	const t = createTestLedger();
	t.ledger.grant({
		userId: 'ann',
		amount: 10,
		category: 'free',
		actor: 'system',
		idempotencyKey: 'g'
	});
	t.ledger.spend({ userId: 'ann', amount: 4, actor: 'user:ann', idempotencyKey: 's' });
	if (options.rollUp) t.ledger.rollUp();
	t.ledger.hold({
		userId: 'ann',
		amount: 2,
		expiresAt: t.at(60_000),
		actor: 'user:ann',
		idempotencyKey: 'h'
	});
	t.ledger.grant({
		userId: 'bob',
		amount: 5,
		category: 'paid',
		actor: 'system',
		idempotencyKey: 'g-bob'
	});
	const database = await createPgTestDatabase({ max: 2 });
	databases.push(database);
	await copyLedger(t.db.$client, database.db);
	const pool = database.db.$client;
	const id = async (query: string, ...params: unknown[]) => {
		const { rows } = await pool.query<[number]>({ text: query, values: params, rowMode: 'array' });
		return rows[0][0];
	};
	return {
		ledger: createPgLedger(database.db),
		run: (query: string, ...params: unknown[]) => pool.query(query, params),
		accountOf: (userId: string) => id('SELECT id FROM accounts WHERE user_id = $1', userId),
		systemAccount: (kind: string) =>
			id('SELECT id FROM accounts WHERE kind = $1 AND user_id IS NULL', kind),
		transferOf: (key: string) => id('SELECT id FROM transfers WHERE idempotency_key = $1', key),
		lotOf: (userId: string) =>
			id(
				'SELECT lots.id FROM lots JOIN accounts ON accounts.id = lots.account_id WHERE user_id = $1',
				userId
			),
		/** Runs an UPDATE on the immutable transfers, their trigger disabled meanwhile. */
		rewriteTransfers: async (statement: string, ...params: unknown[]) => {
			const client = await pool.connect();
			try {
				await client.query('BEGIN');
				await client.query('ALTER TABLE transfers DISABLE TRIGGER transfers_no_update');
				await client.query(statement, params);
				await client.query('ALTER TABLE transfers ENABLE TRIGGER transfers_no_update');
				await client.query('COMMIT');
			} finally {
				client.release();
			}
		}
	};
}

describe('verify on PostgreSQL', () => {
	it('finds nothing wrong in a sound ledger, rolled up or not', async () => {
		expect(await (await setup()).ledger.verify()).toEqual([]);
		expect(await (await setup({ rollUp: true })).ledger.verify()).toEqual([]);
	});

	it('finds nothing wrong in a ledger the PostgreSQL functions wrote, before and after rollUp', async () => {
		const database = await createPgTestDatabase({ max: 2 });
		databases.push(database);
		let now = Date.UTC(2030, 0, 1);
		const ledger = createPgLedger(database.db, { now: () => new Date(now) });
		const user = { userId: 'ann', actor: 'user:ann' };
		const applied = async <T extends { ok: boolean }>(result: Promise<T>) => {
			const done = await result;
			expect(done).toMatchObject({ ok: true });
			return done;
		};
		await applied(ledger.grant({ ...user, amount: 10, category: 'free', idempotencyKey: 'g' }));
		const expiresAt = new Date(now + 1000);
		await applied(
			ledger.grant({ ...user, amount: 6, category: 'paid', expiresAt, idempotencyKey: 'g2' })
		);
		await applied(ledger.spend({ ...user, amount: 8, idempotencyKey: 's' }));
		const held = await applied(
			ledger.hold({ ...user, amount: 5, expiresAt: new Date(now + 500), idempotencyKey: 'h' })
		);
		if (!held.ok) return;
		await applied(
			ledger.capture({ holdId: held.holdId, amount: 2, actor: 'x', idempotencyKey: 'c' })
		);
		await applied(
			ledger.clawback({ ...user, amount: 9, code: 'refund', reference: 'r1', idempotencyKey: 'r' })
		);
		now += 2000;
		await ledger.expire();
		expect(await ledger.verify()).toEqual([]);
		await ledger.rollUp();
		await applied(ledger.grant({ ...user, amount: 4, category: 'free', idempotencyKey: 'g3' }));
		expect(await ledger.balance('ann')).toMatchObject({ balance: 1, debt: 0 });
		expect(await ledger.verify()).toEqual([]);
	});

	it('counts a system account’s transfers in rollup_queue as not rolled up yet', async () => {
		const { ledger, run, systemAccount } = await setup({ rollUp: true });
		const [grants, spent] = [await systemAccount('issued_grant'), await systemAccount('spent')];
		await run(`DELETE FROM rollup_queue`);
		expect(await ledger.verify()).toEqual([
			`counters: account ${grants} (issued_grant) counters 10/0/0/0 (debits/credits posted, debits/credits pending) but its transfers sum to 15/0/0/0`,
			`counters: account ${spent} (spent) counters 0/4/0/0 (debits/credits posted, debits/credits pending) but its transfers sum to 0/4/0/2`,
			'zero_sum: accounts do not sum to zero: posted 5, pending -2'
		]);
	});

	it('names a balance changed behind the ledger’s back', async () => {
		const { ledger, run, accountOf } = await setup();
		await run(`UPDATE accounts SET credits_posted = credits_posted + 5 WHERE user_id = 'ann'`);
		const violations = await ledger.verify();
		expect(violations).toContainEqual(
			expect.stringMatching(/^zero_sum: accounts do not sum to zero/)
		);
		expect(violations).toContainEqual(expect.stringMatching(/^lots_balance: user ann/));
		expect(violations).toContainEqual(
			expect.stringMatching(new RegExp(`^counters: account ${await accountOf('ann')} \\(ann\\)`))
		);
	});

	it('names lots that do not match their allocations', async () => {
		const { ledger, run } = await setup();
		await run(`UPDATE lots SET remaining = remaining + 1 WHERE category = 'free'`);
		expect(await ledger.verify()).toEqual(
			expect.arrayContaining([
				expect.stringMatching(/^lots_balance:/),
				expect.stringMatching(/^lot_allocations: lot 1: 3 credits used but 4 allocated/)
			])
		);
	});

	it('names a hold whose reservation went missing', async () => {
		const { ledger, run } = await setup();
		await run(`UPDATE holds SET status = 'released'`);
		expect(await ledger.verify()).toEqual(
			expect.arrayContaining([
				expect.stringMatching(/^hold_transfers: hold 1/),
				expect.stringMatching(/^lot_held: lot 1/)
			])
		);
	});

	it('names missing or disabled immutability triggers', async () => {
		const { ledger, run } = await setup();
		await run('DROP TRIGGER transfers_no_update ON transfers');
		await run('ALTER TABLE allocations DISABLE TRIGGER allocations_no_truncate');
		expect(await ledger.verify()).toEqual([
			'immutability: trigger transfers_no_update is missing',
			'immutability: trigger allocations_no_truncate is missing'
		]);
	});

	it('names a rewritten history', async () => {
		const { ledger, rewriteTransfers } = await setup();
		await rewriteTransfers(`UPDATE transfers SET balance_after = 9 WHERE code = 'spend'`);
		expect(await ledger.verify()).toContainEqual(
			expect.stringMatching(/^balance_after: transfer 2 records balance 9/)
		);
	});

	it('names a spend that overdrew its account', async () => {
		const { ledger, rewriteTransfers, transferOf } = await setup();
		const spend = await transferOf('s');
		await rewriteTransfers('UPDATE transfers SET amount = 20 WHERE id = $1', spend);
		expect(await ledger.verify()).toContainEqual(
			`overspend: transfer ${spend} (spend) left user ann with -10 available`
		);
	});

	it('names a debt no clawback or adjustment explains', async () => {
		const { ledger, run } = await setup();
		await run(`UPDATE accounts SET debits_posted = debits_posted + 100 WHERE user_id = 'ann'`);
		expect(await ledger.verify()).toContainEqual(
			expect.stringMatching(/^debt_origin: user ann owes 96 credits/)
		);
	});

	it('names a lot that no credit to its account opened', async () => {
		const { ledger, run, lotOf, transferOf } = await setup();
		const lot = await lotOf('ann');
		await run('UPDATE lots SET transfer_id = $1 WHERE id = $2', await transferOf('s'), lot);
		expect(await ledger.verify()).toContainEqual(
			`lot_owner: lot ${lot} was not opened by a credit of 10 to its account`
		);
	});

	it('names a grant that draws on lots', async () => {
		const { ledger, run, lotOf, transferOf } = await setup();
		const grant = await transferOf('g');
		await run(
			'INSERT INTO allocations (transfer_id, lot_id, amount) VALUES ($1, $2, 1)',
			grant,
			await lotOf('ann')
		);
		expect(await ledger.verify()).toContainEqual(
			`transfer_allocations: transfer ${grant} (grant) of 10 has 1 allocated`
		);
	});

	it('names a spend that drew another account’s lot', async () => {
		const { ledger, rewriteTransfers, lotOf, transferOf } = await setup();
		const [lot, spend] = [await lotOf('bob'), await transferOf('s')];
		await rewriteTransfers('UPDATE transfers SET lot_id = $1 WHERE id = $2', lot, spend);
		expect(await ledger.verify()).toContainEqual(
			`lot_draws: transfer ${spend} (spend) draws lot ${lot}, which is not a lot of its account`
		);
	});

	it('names a current lot that is not the account’s', async () => {
		const { ledger, run, accountOf, lotOf } = await setup();
		const [lot, account] = [await lotOf('bob'), await accountOf('ann')];
		await run('UPDATE accounts SET current_lot_id = $1 WHERE id = $2', lot, account);
		expect(await ledger.verify()).toContainEqual(
			`current_lot: account ${account}: current lot ${lot} is not an open lot of it`
		);
	});

	it('names an expiry hint later than a due hold', async () => {
		const { ledger, run, accountOf } = await setup();
		const account = await accountOf('ann');
		await run('UPDATE accounts SET next_expiry_at = NULL WHERE id = $1', account);
		expect(await ledger.verify()).toContainEqual(
			expect.stringMatching(
				new RegExp(`^expiry_hint: account ${account}: next expiry hint none is after a due date`)
			)
		);
	});

	it('names a missing system account', async () => {
		const { ledger, run } = await setup();
		await run(`DELETE FROM accounts WHERE kind = 'adjusted'`);
		expect(await ledger.verify()).toEqual(['system_accounts: account adjusted is missing']);
	});

	it('names a system account rolled up beyond the newest transfer', async () => {
		const { ledger, run, transferOf } = await setup();
		const newest = await transferOf('g-bob');
		await run(`UPDATE accounts SET rolled_up_through = $1 WHERE kind = 'spent'`, newest + 1);
		expect(await ledger.verify()).toContainEqual(
			`system_accounts: account spent is rolled up through ${newest + 1}, newest transfer is ${newest}`
		);
	});

	it('names a transfer against the wrong system account', async () => {
		const { ledger, rewriteTransfers, systemAccount, transferOf } = await setup();
		const spend = await transferOf('s');
		await rewriteTransfers(
			'UPDATE transfers SET credit_account_id = $1 WHERE id = $2',
			await systemAccount('expired'),
			spend
		);
		expect(await ledger.verify()).toContainEqual(
			`transfer_accounts: transfer ${spend} (spend) does not move credits between a user and spent`
		);
	});

	it('names a broken history chain', async () => {
		const { ledger, rewriteTransfers, transferOf } = await setup();
		const hold = await transferOf('h');
		await rewriteTransfers('UPDATE transfers SET prev_id = NULL WHERE id = $1', hold);
		expect(await ledger.verify()).toContainEqual(
			`history_chain: transfer ${hold} links to nothing, but the account's previous transfer is ${await transferOf('s')}`
		);
	});
});
