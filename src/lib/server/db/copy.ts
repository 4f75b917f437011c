import { getTableName, sql, type Table } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db } from './index';
import type { PgDb } from './pg/index';
import * as schema from './schema';

/** Every table, parents before children; PostgreSQL has each with the same name and columns. */
const tables = [
	'users',
	'sessions',
	'stripePrices',
	'purchases',
	'stripeEvents',
	'auditLog',
	'webhookEndpoints',
	'webhookMessages',
	'webhookAttempts',
	'apiKeys',
	'apiResponses',
	'accounts',
	'holds',
	'transfers',
	'lots',
	'allocations',
	'transferMetadata'
] as const satisfies readonly (keyof typeof schema)[];

/** Tables whose id PostgreSQL generates: their sequences must start after the copied ids. */
const generatedIds: readonly (typeof tables)[number][] = [
	'auditLog',
	'webhookAttempts',
	'apiKeys',
	'accounts',
	'holds',
	'transfers',
	'lots'
];

const batchRows = 500;

export type CopySummary = { table: string; rows: number }[];

export class CopyRefused extends Error {}

/**
 * Copies a SQLite database into an empty, migrated PostgreSQL one, in one PostgreSQL transaction (all
 * or nothing). Rows are read and written through the same table objects, SQLite's: PostgreSQL stores
 * what SQLite stores (db/pg/app-schema.ts), so every value arrives as it was. Two ledger details differ
 * by design and are translated: spends' current lot is written back into its lot (the PostgreSQL
 * functions draw lots directly), and transfers the system accounts have not rolled up yet are queued
 * in rollup_queue. The outbox trigger's queue is emptied: SQLite's outbox is copied as it is.
 */
export async function copySqliteToPostgres(source: Db, target: PgDb): Promise<CopySummary> {
	const summary: CopySummary = [];
	await target.transaction(async (tx) => {
		await refuseUnlessEmpty(tx);
		for (const name of tables) {
			const table = schema[name] as Table;
			let rows = 0;
			for (const batch of batchesOf(source, table)) {
				const values = name === 'accounts' ? batch.filter((row) => row.userId !== null) : batch;
				if (values.length > 0) await tx.insert(table as PgTable).values(values);
				rows += batch.length;
			}
			summary.push({ table: getTableName(table), rows });
		}
		await copySystemAccounts(source, tx);
		await writeBackCurrentLots(tx);
		await queueUnrolledTransfers(tx);
		// The copied transfers' events are in the copied outbox already (or were never to be sent).
		await tx.execute(sql`DELETE FROM outbox_queue`);
		for (const name of generatedIds) {
			const table = getTableName(schema[name]);
			await tx.execute(
				sql.raw(`SELECT setval(pg_get_serial_sequence('${table}', 'id'),
				greatest((SELECT max(id) FROM ${table}), 1))`)
			);
		}
	});
	return summary;
}

type Tx = Parameters<Parameters<PgDb['transaction']>[0]>[0];

async function refuseUnlessEmpty(tx: Tx) {
	for (const name of tables) {
		const table = getTableName(schema[name]);
		const userRows = name === 'accounts' ? ' WHERE user_id IS NOT NULL' : '';
		const { rows } = await tx.execute(sql.raw(`SELECT count(*) AS n FROM ${table}${userRows}`));
		if (Number(rows[0].n) > 0) {
			throw new CopyRefused(`the PostgreSQL database is not empty: ${table} has rows`);
		}
	}
}

function* batchesOf(source: Db, table: Table) {
	for (let offset = 0; ; offset += batchRows) {
		const batch = source
			.select()
			.from(table as typeof schema.users)
			.limit(batchRows)
			.offset(offset)
			.all() as Record<string, unknown>[];
		if (batch.length > 0) yield batch;
		if (batch.length < batchRows) return;
	}
}

/** The migration made the system accounts with the same ids; their counters come from SQLite. */
async function copySystemAccounts(source: Db, tx: Tx) {
	const rows = source.$client
		.prepare(
			`SELECT id, debits_posted, credits_posted, debits_pending, credits_pending, rolled_up_through
			FROM accounts WHERE user_id IS NULL`
		)
		.all() as Record<string, number | null>[];
	for (const row of rows) {
		await tx.execute(sql`UPDATE accounts SET debits_posted = ${row.debits_posted},
			credits_posted = ${row.credits_posted}, debits_pending = ${row.debits_pending},
			credits_pending = ${row.credits_pending}, rolled_up_through = ${row.rolled_up_through ?? 0}
			WHERE id = ${row.id} AND user_id IS NULL`);
	}
}

async function writeBackCurrentLots(tx: Tx) {
	await tx.execute(sql`UPDATE lots SET remaining = lots.remaining - a.current_lot_drawn
		FROM accounts a WHERE a.current_lot_id = lots.id`);
	await tx.execute(
		sql`UPDATE accounts SET current_lot_id = NULL, current_lot_drawn = 0 WHERE current_lot_id IS NOT NULL`
	);
}

/** SQLite counts a transfer in the system accounts once its id is at most rolled_up_through. */
async function queueUnrolledTransfers(tx: Tx) {
	await tx.execute(sql`INSERT INTO rollup_queue (transfer_id) SELECT id FROM transfers
		WHERE id > (SELECT min(rolled_up_through) FROM accounts WHERE user_id IS NULL)`);
}
