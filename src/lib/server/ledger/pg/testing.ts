import type Database from 'better-sqlite3';
import type { PgDb } from '../../db/pg/index';

const tables = ['accounts', 'holds', 'transfers', 'lots', 'allocations'] as const;

/**
 * Copies a SQLite ledger, ids and all, into a fresh PostgreSQL database (its system accounts replaced),
 * so the same rows can be read and verified on both. What SQLite's system accounts have not rolled up
 * yet goes into rollup_queue, which is how PostgreSQL keeps the same fact.
 */
export async function copyLedger(sqlite: Database.Database, db: PgDb) {
	const client = await db.$client.connect();
	try {
		await client.query('BEGIN');
		await client.query('DELETE FROM accounts');
		for (const table of tables) {
			const rows = sqlite.prepare(`SELECT * FROM ${table}`).all();
			await client.query(
				`INSERT INTO ${table} OVERRIDING SYSTEM VALUE
				SELECT * FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb)`,
				[JSON.stringify(rows)]
			);
			if (table !== 'allocations')
				await client.query(
					`SELECT setval(pg_get_serial_sequence('${table}', 'id'), coalesce(max(id), 0) + 1, false) FROM ${table}`
				);
		}
		await client.query(`INSERT INTO rollup_queue (transfer_id) SELECT t.id FROM transfers t
			JOIN accounts s ON s.id IN (t.debit_account_id, t.credit_account_id) AND s.user_id IS NULL
			WHERE t.id > coalesce(s.rolled_up_through, 0)`);
		await client.query('COMMIT');
	} catch (error) {
		await client.query('ROLLBACK');
		throw error;
	} finally {
		client.release();
	}
}
