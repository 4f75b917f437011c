import type { PgDb } from '../../db/pg/index';

/** What the PostgreSQL ledger's operations share: the pool and the clock (passed into every function). */
export type PgContext = {
	db: PgDb;
	pool: PgDb['$client'];
	/** ms since the epoch; SQL never calls now(), so tests keep moving time. */
	now: () => number;
};
