import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { getConfig } from '../config';
import { migratePostgres, openPostgres, type PgDb } from './pg';
import { isPostgresUrl } from './url';
import * as schema from './schema';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

// Resolved from the working directory: the built server lives elsewhere than this source file.
const migrationsFolder = resolve('drizzle');

/**
 * The app's database on DATABASE_URL: a SQLite file, or a PostgreSQL pool whose drizzle instance runs
 * the same queries over the same table objects (db/pg/app-schema.ts stores the same driver values), so
 * it is typed as SQLite's. Opening PostgreSQL does not migrate it: `openMigrated` or `db:migrate` does.
 */
export function openDatabase(url: string, options: { migrate?: boolean } = {}): Db {
	if (isPostgresUrl(url)) return openPostgres(url) as unknown as Db;
	return openSqlite(url, options);
}

/** Opens and migrates either backend. */
export async function openMigrated(url: string): Promise<Db> {
	if (!isPostgresUrl(url)) return openSqlite(url);
	const db = openPostgres(url);
	await migratePostgres(db);
	return db as unknown as Db;
}

/** Ends the database's connections: the pool's on PostgreSQL, the file's on SQLite. */
export async function closeDatabase(db: Db) {
	if (db.$client instanceof Database) db.$client.close();
	else await (db.$client as unknown as PgDb['$client']).end();
}

/** Opens (creating the folder if needed) a SQLite database with the pragmas the ledger relies on. */
function openSqlite(file: string, options: { migrate?: boolean } = {}): Db {
	if (file !== ':memory:') mkdirSync(dirname(resolve(file)), { recursive: true });
	const sqlite = new Database(file);
	sqlite.pragma('journal_mode = WAL');
	sqlite.pragma('synchronous = NORMAL');
	sqlite.pragma('foreign_keys = ON');
	sqlite.pragma('busy_timeout = 5000');
	const db = drizzle(sqlite, { schema }) as Db;
	if (options.migrate ?? true) migrateDatabase(db);
	return db;
}

/**
 * Runs pending migrations with foreign keys off, as SQLite's table rebuild procedure asks (the pragma is
 * ignored inside a transaction, and the migrator runs in one), then checks every reference.
 */
export function migrateDatabase(db: Db, folder = migrationsFolder) {
	const sqlite = db.$client;
	const enforced = sqlite.pragma('foreign_keys', { simple: true }) === 1;
	sqlite.pragma('foreign_keys = OFF');
	try {
		migrate(db, { migrationsFolder: folder });
		const broken = sqlite.pragma('foreign_key_check') as {
			table: string;
			rowid: number;
			parent: string;
		}[];
		if (broken.length > 0) {
			const [first] = broken;
			throw new Error(
				`migration broke ${broken.length} references, e.g. ${first.table} row ${first.rowid} to ${first.parent}`
			);
		}
	} finally {
		sqlite.pragma(`foreign_keys = ${enforced ? 'ON' : 'OFF'}`);
	}
}

let shared: Db | undefined;

/** The application's database, opened (and migrated) on first use from DATABASE_URL. */
export function getDb(): Db {
	shared ??= openDatabase(getConfig().DATABASE_URL);
	return shared;
}

/** Closes the application's database; on SQLite the last connection to close folds the WAL back into the file. */
export async function closeDb() {
	const db = shared;
	shared = undefined;
	if (db) await closeDatabase(db);
}
