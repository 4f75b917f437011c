import type pg from 'pg';
import {
	checksFor,
	newestTransferQuery,
	systemAccountsQuery,
	verifyStructure,
	violationLog
} from '../verify';
import {
	historyAccountsQuery,
	historyReplay,
	historyTransfersQuery,
	type AccountRow,
	type TransferRow
} from '../verify-history';

const checks = checksFor('greatest');

// TRUNCATE skips row triggers, so PostgreSQL needs its own statement triggers too (drizzle-pg/0001).
const triggers = ['update', 'delete', 'truncate'].flatMap((event) =>
	['transfers', 'allocations'].map((table) => `${table}_no_${event}`)
);

/** The replay reads transfers in pages of this many, so a large ledger is never in memory at once. */
const pageSize = 10_000;

/**
 * Every invariant verify.ts checks on SQLite, with the same messages, read in one REPEATABLE READ
 * snapshot so writers meanwhile cannot make the queries disagree. The system accounts' stored
 * counters count every transfer but those still in rollup_queue.
 */
export async function verifyPgLedger(pool: pg.Pool): Promise<string[]> {
	const client = await pool.connect();
	try {
		await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
		const violations = await verifyIn(client);
		await client.query('COMMIT');
		return violations;
	} catch (error) {
		await client.query('ROLLBACK');
		throw error;
	} finally {
		client.release();
	}
}

async function verifyIn(client: pg.PoolClient): Promise<string[]> {
	const { report, lines } = violationLog();
	const present = await client.query<{ name: string }>(
		// A disabled trigger guards nothing: it counts as missing.
		`SELECT tgname AS name FROM pg_trigger WHERE tgenabled <> 'D' AND NOT tgisinternal
		AND tgrelid IN ('transfers'::regclass, 'allocations'::regclass)`
	);
	const systemAccounts = await client.query<{ kind: string; through: number | null }>(
		systemAccountsQuery
	);
	const newest = await client.query<{ newest: number }>(newestTransferQuery);
	verifyStructure(report, {
		triggers: { required: triggers, present: new Set(present.rows.map((row) => row.name)) },
		systemAccounts: systemAccounts.rows,
		newestTransferId: newest.rows[0].newest
	});
	for (const [check, query] of Object.entries(checks)) {
		const { rows } = await client.query<{ problem: string }>(query);
		for (const { problem } of rows) report(check, problem);
	}
	const queued = await client.query<[number]>({
		text: 'SELECT transfer_id FROM rollup_queue',
		rowMode: 'array'
	});
	const unrolled = new Set(queued.rows.map(([id]) => id));
	const accounts = await client.query<AccountRow>(historyAccountsQuery);
	const replay = historyReplay(accounts.rows, report, (id) => !unrolled.has(id));
	for (let after = 0; ;) {
		const page = await client.query<TransferRow>({
			text: `${historyTransfersQuery} WHERE id > $1 ORDER BY id LIMIT ${pageSize}`,
			values: [after],
			rowMode: 'array'
		});
		for (const row of page.rows) replay.add(row);
		if (page.rows.length < pageSize) break;
		after = page.rows[page.rows.length - 1][0];
	}
	replay.finish();
	return lines();
}
