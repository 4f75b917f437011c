import type Database from 'better-sqlite3';
import type { Context } from './context';

export type Counters = { dp: number; cp: number; dpe: number; cpe: number };

// effectOf() in SQL: what a transfer adds to the posted and pending counters of both its accounts.
const posted = `CASE WHEN hold_id IS NULL OR code = 'capture' THEN amount ELSE 0 END`;
const pending = `CASE WHEN hold_id IS NULL THEN 0 WHEN code = 'hold' THEN amount ELSE -amount END`;

const systemSideSums = `SELECT account_id AS id, sum(dp) AS dp, sum(cp) AS cp, sum(dpe) AS dpe, sum(cpe) AS cpe FROM (
	SELECT debit_account_id AS account_id, ${posted} AS dp, 0 AS cp, ${pending} AS dpe, 0 AS cpe FROM transfers
		WHERE id > @after AND id <= @through AND debit_account_id <> user_account_id
	UNION ALL
	SELECT credit_account_id, 0, ${posted}, 0, ${pending} FROM transfers
		WHERE id > @after AND id <= @through AND credit_account_id <> user_account_id
) GROUP BY account_id`;

/** What the transfers with ids in (after, through] add to each system account's counters. */
export function systemAccountSums(sqlite: Database.Database, after: number, through: number) {
	const rows = sqlite.prepare(systemSideSums).all({ after, through }) as (Counters & { id: number })[];
	return new Map(rows.map(({ id, ...sums }) => [id, sums]));
}

/**
 * Brings the system accounts' counters up to the newest transfer. They are not written per transfer:
 * every spend of every user would rewrite the same `spent` row, one more page per commit.
 * Returns the transfer ids it added, as a range (empty when there was nothing new).
 */
export function rollUp(ctx: Context): { after: number; through: number } {
	return ctx.immediate(() => {
		const through = ctx.sqlite.prepare('SELECT coalesce(max(id), 0) FROM transfers').pluck().get() as number;
		const after = ctx.sqlite
			.prepare('SELECT min(rolled_up_through) FROM accounts WHERE user_id IS NULL')
			.pluck()
			.get() as number;
		if (through <= after) return { after, through: after };
		const sums = systemAccountSums(ctx.sqlite, after, through);
		const update = ctx.sqlite.prepare(`UPDATE accounts SET debits_posted = debits_posted + @dp,
			credits_posted = credits_posted + @cp, debits_pending = debits_pending + @dpe,
			credits_pending = credits_pending + @cpe, rolled_up_through = @through WHERE id = @id`);
		for (const id of Object.values(ctx.system)) {
			update.run({ id, through, ...(sums.get(id) ?? { dp: 0, cp: 0, dpe: 0, cpe: 0 }) });
		}
		return { after, through };
	});
}
