import Database from 'better-sqlite3';
import pg from 'pg';
import { openDatabase } from '../../src/lib/server/db';
// Also sets pg's global parsers: int8 and numeric (ids, counts, sums, ms times) arrive as numbers.
import { openPostgres } from '../../src/lib/server/db/pg/index';
import { isPostgresUrl } from '../../src/lib/server/db/url';
import { createLedger, verifyLedger } from '../../src/lib/server/ledger';
import { awaitable, type AsyncLedger } from '../../src/lib/server/ledger/async';
import { createPgLedger } from '../../src/lib/server/ledger/pg/index';
import { verifyPgLedger } from '../../src/lib/server/ledger/pg/verify';

/** The shared e2e server's database: a SQLite file unless E2E_DATABASE_URL names PostgreSQL. */
export const e2eDatabaseUrl = process.env.E2E_DATABASE_URL ?? 'tests/.tmp/e2e.db';
export const isPostgresE2e = isPostgresUrl(e2eDatabaseUrl);

export type Param = string | number | null;

/** `?` placeholders as PostgreSQL's `$1…`, leaving any `?` inside a quoted literal alone. */
export function numberedPlaceholders(sql: string) {
	let n = 0;
	return sql.replace(/'(?:[^']|'')*'|\?/g, (match) => (match === '?' ? `$${++n}` : match));
}

const openReader = (file: string) => new Database(file, { readonly: true, fileMustExist: true });

// One pool per database and worker; idle connections do not hold the worker open at its end.
const pools = new Map<string, pg.Pool>();
function poolFor(url: string) {
	let pool = pools.get(url);
	if (!pool) {
		pool = new pg.Pool({ connectionString: url, max: 2, allowExitOnIdle: true });
		// An idle connection the server ends (a restart, the database dropped after the run) is only
		// replaced by the next query; unhandled, its error would crash the worker.
		pool.on('error', () => {});
		pools.set(url, pool);
	}
	return pool;
}

export type Row = Record<string, unknown>;
export type Query = <T = Row>(sql: string, ...params: Param[]) => Promise<T[]>;

/**
 * Reads a database a server is running on, through one connection: a SQLite reader beside the server
 * (WAL lets it in) or PostgreSQL's pool. Write SQL both read alike: `?` placeholders, quoted camelCase
 * aliases, an ORDER BY wherever the order matters.
 */
export async function readDatabase<T>(url: string, read: (query: Query) => Promise<T>) {
	if (isPostgresUrl(url)) {
		const pool = poolFor(url);
		return read(async <R>(sql: string, ...params: Param[]) => {
			const result = await pool.query(numberedPlaceholders(sql), params);
			return result.rows as R[];
		});
	}
	const db = openReader(url);
	try {
		return await read(
			async <R>(sql: string, ...params: Param[]) => db.prepare(sql).all(...params) as R[]
		);
	} finally {
		db.close();
	}
}

/** The rows of one query on a database a server is running on. */
export function queryDatabase<T = Row>(url: string, sql: string, ...params: Param[]) {
	return readDatabase(url, (query) => query<T>(sql, ...params));
}

/** The first column of the first row, e.g. a count or an id; undefined when there is no row. */
export async function firstInDatabase<T = unknown>(
	url: string,
	sql: string,
	...params: Param[]
): Promise<T> {
	const [row] = await queryDatabase(url, sql, ...params);
	return (row && Object.values(row)[0]) as T;
}

/** The rows of a query on the e2e server's database. */
export function queryE2e<T = Row>(sql: string, ...params: Param[]) {
	return queryDatabase<T>(e2eDatabaseUrl, sql, ...params);
}

/** The first column of the first row of a query on the e2e server's database. */
export function firstE2e<T = unknown>(sql: string, ...params: Param[]) {
	return firstInDatabase<T>(e2eDatabaseUrl, sql, ...params);
}

/** Changes rows of the e2e server's database behind its back, as a test's stand-in for a fault. */
export async function writeE2e(sql: string, ...params: Param[]) {
	if (isPostgresE2e) {
		await poolFor(e2eDatabaseUrl).query(numberedPlaceholders(sql), params);
		return;
	}
	const db = new Database(e2eDatabaseUrl, { fileMustExist: true });
	try {
		db.pragma('busy_timeout = 5000');
		db.prepare(sql).run(...params);
	} finally {
		db.close();
	}
}

/**
 * Writes into the e2e server's database with the app's own ledger, as another service would (SQLite's
 * without the server's outbox). `now` fixes the ledger's clock.
 */
export async function writeE2eLedger<T>(
	write: (ledger: AsyncLedger) => Promise<T>,
	options: { now?: () => Date } = {}
): Promise<T> {
	if (isPostgresE2e) {
		const db = openPostgres(e2eDatabaseUrl, { max: 1 });
		try {
			return await write(createPgLedger(db, options));
		} finally {
			await db.$client.end();
		}
	}
	const db = openDatabase(e2eDatabaseUrl, { migrate: false });
	try {
		return await write(awaitable(createLedger(db, options)));
	} finally {
		db.$client.close();
	}
}

/** Every violated invariant of the e2e server's ledger; empty when it is sound. */
export function verifyE2eLedger() {
	return verifyDatabaseLedger(e2eDatabaseUrl);
}

/** The same for any database, on either backend. */
export async function verifyDatabaseLedger(url: string) {
	if (isPostgresUrl(url)) return verifyPgLedger(poolFor(url));
	const db = openReader(url);
	try {
		return verifyLedger(db);
	} finally {
		db.close();
	}
}

/** The id of the account with this email. */
export async function userIdOf(email: string) {
	return firstE2e<string>('select id from users where email = ?', email);
}
