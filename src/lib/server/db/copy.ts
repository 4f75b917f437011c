import { getTableColumns, getTableName, sql, type Table } from 'drizzle-orm';
import type { Db } from './index';
import type { PgDb } from './pg/index';
import * as pgSchema from './pg/schema';
import * as sqliteSchema from './schema';

/** Every table, parents before children; each has the same name and columns in both schemas. */
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
] as const satisfies readonly (keyof typeof sqliteSchema & keyof typeof pgSchema)[];

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
 * or nothing). Rows go through drizzle on both sides, so times, booleans, JSON and bytes convert by
 * the column types. Two ledger details differ by design and are translated: spends' current lot is
 * written back into its lot (the PostgreSQL functions draw lots directly), and transfers the system
 * accounts have not rolled up yet are queued in rollup_queue.
 */
export async function copySqliteToPostgres(source: Db, target: PgDb): Promise<CopySummary> {
	const summary: CopySummary = [];
	await target.transaction(async (tx) => {
		await refuseUnlessEmpty(tx);
		for (const name of tables) {
			const from = sqliteSchema[name] as Table;
			const to = pgSchema[name] as Table;
			const convert = converterFor(to);
			let rows = 0;
			for (const batch of batchesOf(source, from)) {
				const values = (
					name === 'accounts' ? batch.filter((row) => row.userId !== null) : batch
				).map(convert);
				if (values.length > 0) await tx.insert(to).values(values);
				rows += batch.length;
			}
			summary.push({ table: getTableName(to), rows });
		}
		await copySystemAccounts(source, tx);
		await writeBackCurrentLots(tx);
		await queueUnrolledTransfers(tx);
		for (const name of generatedIds) {
			const table = getTableName(pgSchema[name] as Table);
			await tx.execute(
				sql.raw(`SELECT setval(pg_get_serial_sequence('${table}', 'id'),
				greatest((SELECT max(id) FROM ${table}), 1))`)
			);
		}
	});
	return summary;
}

/** The ledger keeps times as int8 ms on PostgreSQL (its functions take the clock as ms), not timestamptz. */
function converterFor(table: Table) {
	const msColumns = Object.entries(getTableColumns(table))
		.filter(([, column]) => column.columnType === 'PgBigInt53')
		.map(([key]) => key);
	return (row: Record<string, unknown>) => {
		for (const key of msColumns) {
			const value = row[key];
			if (value instanceof Date) row[key] = value.getTime();
		}
		return row;
	};
}

type Tx = Parameters<Parameters<PgDb['transaction']>[0]>[0];

async function refuseUnlessEmpty(tx: Tx) {
	for (const name of tables) {
		const table = getTableName(pgSchema[name] as Table);
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
			.from(table as typeof sqliteSchema.users)
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
