import { asc, getTableColumns, type Table } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { databaseUrl, dropDatabase } from '../../../../../tests/postgres/cluster';
import type { Db } from '../index';
import type * as schema from '../schema';
import { openPostgres, type PgDb } from './index';

/**
 * A fresh, migrated PostgreSQL database (a copy of the template global-setup migrated), or with
 * `migrated: false` an empty one, for one test or one file; `drop()` ends its connections and removes it.
 */
export async function createPgTestDatabase(options: { max?: number; migrated?: boolean } = {}) {
	const server = inject('postgresUrl');
	const name = `test_${randomBytes(6).toString('hex')}`;
	const admin = new pg.Client({ connectionString: server });
	await admin.connect();
	const template = (options.migrated ?? true) ? ' TEMPLATE credits_template' : '';
	await admin.query(`CREATE DATABASE ${name}${template}`);
	await admin.end();
	// A test that waits on a lock or a statement fails saying so, with fast-check's seed, instead of
	// running into the test's own timeout silently.
	const url = `${databaseUrl(server, name)}?options=${encodeURIComponent('-c lock_timeout=20s -c statement_timeout=30s')}`;
	const db: PgDb = openPostgres(url, { max: options.max ?? 4 });
	return {
		db,
		url,
		async drop() {
			await db.$client.end();
			const client = new pg.Client({ connectionString: server });
			await client.connect();
			await dropDatabase(client, name);
			await client.end();
		}
	};
}

export type PgTestDatabase = Awaited<ReturnType<typeof createPgTestDatabase>>;

/**
 * One database for the file or describe block this is called in: created before its first test,
 * dropped after its last. Call the returned function inside tests and hooks.
 */
export function usePgTestDatabase(options: Parameters<typeof createPgTestDatabase>[0] = {}) {
	let database: PgTestDatabase | undefined;
	beforeAll(async () => {
		database = await createPgTestDatabase(options);
	});
	afterAll(() => database?.drop());
	return (): PgTestDatabase => {
		if (database === undefined) throw new Error('usePgTestDatabase: read inside a test or hook');
		return database;
	};
}

/** The PostgreSQL database as app code sees it: node-postgres drizzle over SQLite's table objects. */
export function asAppDb(db: PgDb): Db {
	return drizzle(db.$client) as unknown as Db;
}

/** Every row of a table, as its (SQLite) table object reads it, in the order of all its columns. */
export async function rowsOf(db: Db, table: Table): Promise<Record<string, unknown>[]> {
	const columns = Object.values(getTableColumns(table));
	return db
		.select()
		.from(table as typeof schema.users)
		.orderBy(...columns.map((column) => asc(column)));
}
