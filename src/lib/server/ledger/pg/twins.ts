import { expect } from 'vitest';
import { createPgTestDatabase } from '../../db/pg/testing';
import { awaitable, type AsyncLedger } from '../async';
import { createTestLedger } from '../testing/ledger';
import { createPgLedger } from './index';

// Every stored row the writes leave, in one order on both backends. Lots as lots_now shows them (SQLite
// keeps a current lot's draws on the account row) and draws whether on the transfer or in allocations.
const tables = {
	accounts: `SELECT id, kind, user_id, debits_posted, credits_posted, debits_pending, credits_pending,
		next_expiry_at, last_transfer_id, rolled_up_through, CASE WHEN user_id IS NULL THEN NULL ELSE created_at END
		AS created_at FROM accounts ORDER BY id`,
	transfers: 'SELECT * FROM transfers ORDER BY id',
	lots: `SELECT id, account_id, transfer_id, category, amount, remaining, held, debt_paid, expires_at,
		created_at FROM lots_now ORDER BY id`,
	holds: 'SELECT * FROM holds ORDER BY id',
	draws: 'SELECT * FROM draws ORDER BY transfer_id, lot_id'
};

/**
 * The same ledger twice, SQLite's (awaitable) and PostgreSQL's on a fresh database, on one clock the
 * test moves. `both(op)` runs an operation on each and expects the same result; `expectSameState()`
 * compares every row they stored.
 */
export async function createTwins() {
	const sqlite = createTestLedger();
	const database = await createPgTestDatabase();
	const pg = createPgLedger(database.db, { now: () => new Date(sqlite.clock.now) });
	const ledgers = { sqlite: awaitable(sqlite.ledger), pg };
	const rowsOf = async () => {
		const rows: Record<string, { sqlite: unknown[]; pg: unknown[] }> = {};
		for (const [name, query] of Object.entries(tables)) {
			rows[name] = {
				sqlite: sqlite.db.$client.prepare(query).all(),
				pg: (await database.db.$client.query(query)).rows
			};
		}
		return rows;
	};
	return {
		...ledgers,
		clock: sqlite.clock,
		advance: sqlite.advance,
		at: sqlite.at,
		key: sqlite.key,
		pgDb: database.db,
		/** The operation's result on SQLite, once PostgreSQL's is seen to be the same. */
		async both<T>(operation: (ledger: AsyncLedger) => Promise<T>): Promise<T> {
			const expected = await operation(ledgers.sqlite);
			expect(await operation(ledgers.pg)).toEqual(expected);
			return expected;
		},
		async expectSameState() {
			for (const [name, { sqlite, pg }] of Object.entries(await rowsOf())) {
				expect({ [name]: pg }).toEqual({ [name]: sqlite });
			}
		},
		drop: database.drop
	};
}

export type Twins = Awaited<ReturnType<typeof createTwins>>;
