import type { PgDb } from '../../db/pg/index';
import type { AsyncLedger } from '../async';
import { readOperations } from './reads';
import { writeOperations } from './writes';

/**
 * The ledger on PostgreSQL, with the same operations, inputs, results and error messages as SQLite's.
 * Each write is one round trip: a PL/pgSQL function (drizzle-pg/) that locks the user's account row,
 * looks up the idempotency key, then writes, all in the statement's own transaction.
 */
export function createPgLedger(db: PgDb, options: { now?: () => Date } = {}): AsyncLedger {
	const now = options.now ?? (() => new Date());
	const ctx = { db, pool: db.$client, now: () => now().getTime() };
	return { ...writeOperations(ctx), ...readOperations(ctx) };
}
