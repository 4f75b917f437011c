import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { sqliteLedgerFor, pgLedgerFor } from '../app-ledger';
import type { Ledger } from '../ledger';
import type { Db } from './index';

/**
 * Work that must commit as one, written once for both backends. It is a generator so that SQLite can
 * run it synchronously inside one better-sqlite3 transaction (where nothing else can slip in, as it
 * could across an `await` on the one shared connection) and PostgreSQL asynchronously inside one
 * transaction on one pooled client. Inside a unit, `yield*` reads as `await`.
 */
export type Unit<T> = Generator<Step, T, unknown>;

type Step =
	| { kind: 'all'; query: { all(): unknown[] }; forUpdate?: boolean }
	| { kind: 'run'; query: { run(): unknown } }
	| { kind: 'ledger'; call: (ledger: Ledger) => unknown };

/**
 * `forUpdate`: a unit that decides what to write from what it reads locks the rows it reads, so no
 * other unit changes them before it commits. SQLite's units hold the whole database's write lock
 * from their start (IMMEDIATE), so there it is a plain read; on PostgreSQL (READ COMMITTED) it is
 * `SELECT … FOR UPDATE`, without which a unit can decide on a row another has changed meanwhile.
 */
export type Read = { forUpdate?: boolean };

/** The rows of a select, or of a write with `.returning()`. */
export function* all<T>(query: { all(): T[] }, { forUpdate = false }: Read = {}): Unit<T[]> {
	return (yield { kind: 'all', query, forUpdate }) as T[];
}

/** The first row, or undefined. */
export function* first<T>(query: { all(): T[] }, read: Read = {}): Unit<T | undefined> {
	return (yield* all(query, read))[0];
}

/** Runs a write; how many rows it changed. */
export function* run(query: { run(): unknown }): Unit<number> {
	return (yield { kind: 'run', query }) as number;
}

/** A ledger operation inside the unit's transaction. */
export function* ledger<T>(call: (ledger: Ledger) => T): Unit<T> {
	return (yield { kind: 'ledger', call }) as T;
}

export function isPostgres(db: Db) {
	return !(db.$client instanceof Database);
}

/** Runs `build(tx)` in one transaction: all of it commits, or (when it throws) none of it. */
export async function transaction<T>(db: Db, build: (tx: Db) => Unit<T>): Promise<T> {
	if (!isPostgres(db)) return db.$client.transaction(() => driveSqlite(build(db), db)).immediate();
	const client = await (db.$client as unknown as pg.Pool).connect();
	try {
		await client.query('BEGIN');
		const tx = drizzle(client) as unknown as Db;
		const result = await drivePostgres(build(tx), tx);
		await client.query('COMMIT');
		return result;
	} catch (error) {
		await client.query('ROLLBACK').catch(() => {});
		throw error;
	} finally {
		client.release();
	}
}

/** Runs a unit outside any transaction, each step committing on its own. */
export async function perform<T>(db: Db, unit: Unit<T>): Promise<T> {
	return isPostgres(db) ? drivePostgres(unit, db) : driveSqlite(unit, db);
}

/**
 * A statement that fails aborts a PostgreSQL transaction: every later one is refused until ROLLBACK.
 * So on both backends, a unit that catches a failed step may clean up in code but run no further step.
 */
export const stepAfterFailure =
	'a unit ran a step after one of its steps failed; a failed statement aborts the transaction';

function driveSqlite<T>(unit: Unit<T>, db: Db): T {
	let failed = false;
	let next = unit.next();
	while (!next.done) {
		let value: unknown;
		try {
			if (failed) throw new Error(stepAfterFailure);
			value = stepSqlite(next.value, db);
		} catch (error) {
			failed = true;
			next = unit.throw(error);
			continue;
		}
		next = unit.next(value);
	}
	return next.value;
}

function stepSqlite(step: Step, db: Db): unknown {
	if (step.kind === 'all') return step.query.all();
	if (step.kind === 'run') return (step.query.run() as Database.RunResult).changes;
	return step.call(sqliteLedgerFor(db));
}

async function drivePostgres<T>(unit: Unit<T>, db: Db): Promise<T> {
	let failed = false;
	let next = unit.next();
	while (!next.done) {
		let value: unknown;
		try {
			if (failed) throw new Error(stepAfterFailure);
			value = await stepPostgres(next.value, db);
		} catch (error) {
			failed = true;
			next = unit.throw(error);
			continue;
		}
		next = unit.next(value);
	}
	return next.value;
}

// On PostgreSQL the queries were built by node-postgres's drizzle (typed as SQLite's: both dialects
// share the table objects), so they are awaited rather than run with SQLite's synchronous methods.
type PgSelect = PromiseLike<unknown[]> & { for(strength: 'update'): PromiseLike<unknown[]> };

async function stepPostgres(step: Step, db: Db): Promise<unknown> {
	if (step.kind === 'all') {
		const query = step.query as unknown as PgSelect;
		return await (step.forUpdate ? query.for('update') : query);
	}
	if (step.kind === 'run') {
		const result = await (step.query as unknown as PromiseLike<pg.QueryResult>);
		return result.rowCount ?? 0;
	}
	return await step.call(pgLedgerFor(db) as unknown as Ledger);
}

/** Outside a unit: awaits a write and says how many rows it changed, on either backend. */
export async function changed(query: PromiseLike<unknown>): Promise<number> {
	const result = (await query) as { changes?: number; rowCount?: number | null };
	return result.changes ?? result.rowCount ?? 0;
}
