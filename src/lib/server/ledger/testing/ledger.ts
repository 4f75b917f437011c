import { openDatabase } from '../../db/index';
import { createPgTestDatabase } from '../../db/pg/testing';
import type { PgDb } from '../../db/pg/index';
import { awaitable, type AsyncLedger } from '../async';
import { createLedger } from '../index';
import { createPgLedger } from '../pg/index';

export { dayMs } from '../time';

const defaultStart = Date.UTC(2030, 0, 1);

/** A clock the test moves, and fresh idempotency keys. */
function testClock(start: number) {
	const clock = { now: start };
	let keys = 0;
	return {
		clock,
		advance: (ms: number) => (clock.now += ms),
		at: (ms: number) => new Date(clock.now + ms),
		/** A fresh idempotency key. */
		key: () => `key-${++keys}`
	};
}

/** A ledger on a fresh in-memory database with a clock the test moves. */
export function createTestLedger(start = defaultStart) {
	const db = openDatabase(':memory:');
	const time = testClock(start);
	const ledger = createLedger(db, { now: () => new Date(time.clock.now) });
	return { db, ledger, ...time };
}

export type Row = Record<string, unknown>;

/** A ledger behind the async interface on either backend, with SQL over its tables for tests to read. */
export type TestBackend = ReturnType<typeof testClock> & {
	ledger: AsyncLedger;
	/** One statement with `?` placeholders (numbered for PostgreSQL); the rows it returns. */
	query: (sql: string, params?: unknown[]) => Promise<Row[]>;
	close: () => Promise<void>;
};

export type BackendFactory = { name: string; open: (start?: number) => Promise<TestBackend> };

export const sqliteBackend: BackendFactory = {
	name: 'SQLite',
	async open(start = defaultStart) {
		const t = createTestLedger(start);
		const { db, ledger, ...time } = t;
		return {
			...time,
			ledger: awaitable(ledger),
			query: async (sql, params = []) => db.$client.prepare(sql).all(...params) as Row[],
			close: async () => void db.$client.close()
		};
	}
};

/** A PostgreSQL ledger on `db` with a clock the test moves. */
export function pgBackendOn(
	db: PgDb,
	close: () => Promise<void>,
	start = defaultStart
): TestBackend {
	const time = testClock(start);
	return {
		...time,
		ledger: createPgLedger(db, { now: () => new Date(time.clock.now) }),
		query: async (sql, params = []) => {
			let n = 0;
			return (
				await db.$client.query(
					sql.replace(/\?/g, () => `$${++n}`),
					params
				)
			).rows;
		},
		close
	};
}

export const pgBackend: BackendFactory = {
	name: 'PostgreSQL',
	async open(start = defaultStart) {
		const database = await createPgTestDatabase();
		return pgBackendOn(database.db, database.drop, start);
	}
};

export const backends = [sqliteBackend, pgBackend];
