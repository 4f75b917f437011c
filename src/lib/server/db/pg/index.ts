import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { resolve } from 'node:path';
import pg from 'pg';
import * as schema from './schema';

export type PgDb = NodePgDatabase<typeof schema> & { $client: pg.Pool };

const migrationsFolder = resolve('drizzle-pg');

const int8 = 20;
const numeric = 1700;

/**
 * int8 (ids, credits, ms times, count()) and numeric (sum() of int8) arrive as text from the server;
 * pg would hand them on as strings, and `balance + 1` would concatenate. They are read as numbers, and
 * one beyond 2^53 is refused rather than rounded.
 */
export function parseInteger(text: string): number {
	const value = Number(text);
	if (!Number.isSafeInteger(value)) {
		throw new RangeError(`database value ${text} is not a safe integer`);
	}
	return value;
}

// Set on pg's global parsers, not a pool's: drizzle's node-postgres driver passes its own per-query
// parsers, which fall back to the global ones, so only these reach every query.
pg.types.setTypeParser(int8, parseInteger);
pg.types.setTypeParser(numeric, parseInteger);

/** A pool on DATABASE_URL. READ COMMITTED (the default) is what the ledger functions are written for. */
export function openPostgres(url: string, options: { max?: number; migrate?: boolean } = {}) {
	const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
	// An idle client whose connection drops emits this; without a listener it would end the process.
	// The pool has already discarded the client, and the next query takes a fresh one.
	pool.on('error', (error) =>
		console.error(`PostgreSQL: an idle connection failed: ${error.message}`)
	);
	return drizzle(pool, { schema }) as PgDb;
}

/** Applies drizzle-pg/ in order; each migration runs in its own transaction. */
export async function migratePostgres(db: PgDb, folder = migrationsFolder) {
	await migrate(db, { migrationsFolder: folder });
}
