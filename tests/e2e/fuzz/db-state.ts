import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';

/** Per table: its row count and a digest of its rows. */
export type DbState = Record<string, { rows: number; digest: string }>;

/**
 * What the running server's jobs change on their own, left out of the digests (the row counts still
 * cover these tables): the sweeper rolls the system accounts' counters up, a session's expiry slides
 * and a key's last use is noted once a minute.
 */
const volatile: Record<string, string[] | 'all'> = {
	accounts: 'all',
	sessions: 'all',
	api_keys: ['last_used_at']
};

/** Every table of the database (found in sqlite_master, so a new table is covered the day it is added). */
export function readDbState(db: Database.Database): DbState {
	const tables = db
		.prepare(
			"select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%' order by name"
		)
		.pluck()
		.all() as string[];
	const state: DbState = {};
	for (const table of tables) {
		const rows = db.prepare(`select * from "${table}"`).all() as Record<string, unknown>[];
		const skip = volatile[table];
		const digest = createHash('sha256');
		if (skip !== 'all')
			for (const row of rows) {
				for (const column of skip ?? []) delete row[column];
				digest.update(
					JSON.stringify(row, (_, value) =>
						Buffer.isBuffer(value) ? value.toString('hex') : value
					)
				);
			}
		state[table] = { rows: rows.length, digest: digest.digest('base64url') };
	}
	return state;
}

/** The tables whose rows differ, with their counts before and after. */
export function changedTables(before: DbState, after: DbState) {
	return Object.keys({ ...before, ...after })
		.filter(
			(table) =>
				before[table]?.rows !== after[table]?.rows || before[table]?.digest !== after[table]?.digest
		)
		.map((table) => ({ table, before: before[table]?.rows, after: after[table]?.rows }));
}
