import { createHash } from 'node:crypto';
import { isPostgresUrl } from '../../../src/lib/server/db/url';
import { readDatabase } from '../e2e-db';

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

const tablesQuery = {
	sqlite:
		"select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%' order by name",
	postgres:
		"select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name not like '__drizzle%' order by table_name"
};

/**
 * Every table of the database (found in the catalogue, so a new table is covered the day it is added).
 * A digest covers a table's rows in any order: PostgreSQL moves a row when it updates it.
 */
export function readDbState(url: string): Promise<DbState> {
	return readDatabase(url, async (query) => {
		const tables = await query<{ name: string }>(
			tablesQuery[isPostgresUrl(url) ? 'postgres' : 'sqlite']
		);
		const state: DbState = {};
		for (const { name: table } of tables) {
			const rows = await query(`select * from "${table}"`);
			const skip = volatile[table];
			const digest = createHash('sha256');
			if (skip !== 'all')
				for (const line of rows.map((row) => lineOf(row, skip ?? [])).sort()) digest.update(line);
			state[table] = { rows: rows.length, digest: digest.digest('base64url') };
		}
		return state;
	});
}

function lineOf(row: Record<string, unknown>, skip: string[]) {
	for (const column of skip) delete row[column];
	return JSON.stringify(row, (_, value) =>
		Buffer.isBuffer(value) ? value.toString('hex') : value
	);
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
