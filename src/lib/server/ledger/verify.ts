import type Database from 'better-sqlite3';
import { systemAccountKinds, type TransferCode } from './schema';
import { verifyHistory } from './verify-history';

// verify's own copy of what each code does to lots (transfer-codes.ts has the ledger's).
export const lotCodes = {
	/** Open a lot of their amount. */
	open: ['purchase', 'grant', 'reinstate'],
	/** Draw exactly their amount from lots (an `expire` only when it expires a lot, not a hold). */
	draw: ['spend', 'hold', 'capture', 'expire'],
	/** Draw up to their amount; the rest is debt. */
	drawUpTo: ['refund', 'dispute', 'adjust']
} as const satisfies Record<string, readonly TransferCode[]>;

const list = (codes: readonly string[]) => codes.map((code) => `'${code}'`).join(', ');

/**
 * Each query returns one row per violation, with the message in column `problem`. The SQL reads the same
 * on SQLite and PostgreSQL but for the name of the two-argument maximum (`max`, `greatest`).
 */
export function checksFor(greatest: 'max' | 'greatest'): Record<string, string> {
	return {
		lots_balance: `SELECT 'user ' || a.user_id || ': balance ' || (a.credits_posted - a.debits_posted) || ' and on hold '
		|| a.debits_pending || ' but lots have ' || coalesce(sum(l.remaining), 0) || ' remaining, '
		|| coalesce(sum(l.held), 0) || ' held' AS problem
		FROM accounts a LEFT JOIN lots_now l ON l.account_id = a.id WHERE a.kind = 'user' GROUP BY a.id
		HAVING coalesce(sum(l.held), 0) <> a.debits_pending
		OR coalesce(sum(l.remaining - l.held), 0) <> ${greatest}(0, a.credits_posted - a.debits_posted - a.debits_pending)`,
		debt_origin: `SELECT 'user ' || a.user_id || ' owes ' || (a.debits_pending + a.debits_posted - a.credits_posted)
		|| ' credits without a refund, dispute or adjustment' AS problem FROM accounts a
		WHERE a.kind = 'user' AND a.credits_posted - a.debits_posted - a.debits_pending < 0 AND NOT EXISTS (
			SELECT 1 FROM transfers t WHERE t.user_account_id = a.id AND t.code IN (${list(lotCodes.drawUpTo)}))`,
		lot_owner: `SELECT 'lot ' || l.id || ' was not opened by a credit of ' || l.amount || ' to its account' AS problem
		FROM lots l JOIN transfers t ON t.id = l.transfer_id
		WHERE t.credit_account_id <> l.account_id OR t.amount <> l.amount OR t.code NOT IN (${list(lotCodes.open)})`,
		lot_allocations: `SELECT 'lot ' || l.id || ': ' || (l.amount - l.remaining - l.debt_paid) || ' credits used but '
		|| coalesce(sum(a.amount), 0) || ' allocated' AS problem
		FROM lots_now l LEFT JOIN draws a ON a.lot_id = l.id
			AND a.transfer_id NOT IN (SELECT id FROM transfers WHERE code = 'hold')
		GROUP BY l.id, l.amount, l.remaining, l.debt_paid HAVING l.amount - l.remaining - l.debt_paid <> coalesce(sum(a.amount), 0)`,
		lot_held: `SELECT 'lot ' || l.id || ': ' || l.held || ' held but pending holds reserve ' || coalesce(sum(a.amount), 0) AS problem
		FROM lots l LEFT JOIN (SELECT a.lot_id, a.amount FROM allocations a
			JOIN transfers t ON t.id = a.transfer_id AND t.code = 'hold'
			JOIN holds h ON h.id = t.hold_id AND h.status = 'pending') a ON a.lot_id = l.id
		GROUP BY l.id HAVING l.held <> coalesce(sum(a.amount), 0)`,
		transfer_allocations: `SELECT 'transfer ' || t.id || ' (' || t.code || ') of ' || t.amount || ' has '
		|| coalesce(sum(a.amount), 0) || ' allocated' AS problem
		FROM transfers t LEFT JOIN draws a ON a.transfer_id = t.id GROUP BY t.id
		HAVING CASE
			WHEN t.code = 'expire' AND t.hold_id IS NOT NULL THEN count(a.lot_id) > 0
			WHEN t.code IN (${list(lotCodes.draw)}) THEN coalesce(sum(a.amount), 0) <> t.amount
			WHEN t.code IN (${list(lotCodes.drawUpTo)}) THEN coalesce(sum(a.amount), 0) > t.amount
			ELSE count(a.lot_id) > 0 END`,
		hold_transfers: `SELECT 'hold ' || h.id || ' (' || h.status || ', ' || h.amount || ') does not match its transfers' AS problem
		FROM holds h LEFT JOIN transfers t ON t.hold_id = h.id GROUP BY h.id
		HAVING count(*) FILTER (WHERE t.code = 'hold' AND t.amount = h.amount AND t.user_account_id = h.account_id) <> 1
		OR coalesce(sum(t.amount) FILTER (WHERE t.code <> 'hold'), 0) <> CASE WHEN h.status = 'pending' THEN 0 ELSE h.amount END
		OR coalesce(sum(t.amount) FILTER (WHERE t.code = 'capture'), 0) <> h.captured_amount
		OR (h.status = 'captured') <> (count(*) FILTER (WHERE t.code = 'capture') = 1)
		OR (h.status = 'released') <> (count(*) FILTER (WHERE t.code = 'release' AND h.captured_amount = 0) = 1)
		OR (h.status = 'expired') <> (count(*) FILTER (WHERE t.code = 'expire') = 1)`,
		current_lot: `SELECT 'account ' || a.id || ': current lot ' || a.current_lot_id || ' is not an open lot of it' AS problem
		FROM accounts a LEFT JOIN lots_now l ON l.id = a.current_lot_id AND l.account_id = a.id
		WHERE a.current_lot_id IS NOT NULL AND (l.id IS NULL OR l.remaining < l.held)`,
		lot_draws: `SELECT 'transfer ' || t.id || ' (' || t.code || ') draws lot ' || t.lot_id
		|| ', which is not a lot of its account' AS problem FROM transfers t LEFT JOIN lots l ON l.id = t.lot_id
		WHERE t.lot_id IS NOT NULL AND (t.code <> 'spend' OR l.account_id IS DISTINCT FROM t.user_account_id
			OR EXISTS (SELECT 1 FROM allocations a WHERE a.transfer_id = t.id))`,
		expiry_hint: `SELECT 'account ' || a.id || ': next expiry hint ' || coalesce(CAST(a.next_expiry_at AS TEXT), 'none')
		|| ' is after a due date ' || d.at AS problem
		FROM accounts a JOIN (SELECT account_id, min(at) AS at FROM (
			SELECT account_id, expires_at AS at FROM lots_now WHERE remaining > held AND expires_at IS NOT NULL
			UNION ALL SELECT account_id, expires_at FROM holds WHERE status = 'pending') AS due GROUP BY account_id
		) d ON d.account_id = a.id WHERE a.next_expiry_at IS NULL OR a.next_expiry_at > d.at`
	};
}

const checks = checksFor('max');

const perCheck = 20;

export type Report = (check: string, message: string) => void;

/** Collects violations: at most 20 lines per check, then one saying how many more there are. */
export function violationLog() {
	const violations: string[] = [];
	const counts = new Map<string, number>();
	const report: Report = (check, message) => {
		const count = (counts.get(check) ?? 0) + 1;
		counts.set(check, count);
		if (count <= perCheck) violations.push(`${check}: ${message}`);
	};
	const lines = () => [
		...violations,
		...[...counts]
			.filter(([, count]) => count > perCheck)
			.map(([check, count]) => `${check}: ... and ${count - perCheck} more`)
	];
	return { report, lines };
}

export const systemAccountsQuery =
	'SELECT kind, rolled_up_through AS through FROM accounts WHERE user_id IS NULL';
export const newestTransferQuery = 'SELECT coalesce(max(id), 0) AS newest FROM transfers';

/** The immutability triggers are in place, and every system account exists, rolled up no further than the newest transfer. */
export function verifyStructure(
	report: Report,
	schema: {
		triggers: { required: readonly string[]; present: Set<string> };
		systemAccounts: { kind: string; through: number | null }[];
		newestTransferId: number;
	}
) {
	for (const name of schema.triggers.required)
		if (!schema.triggers.present.has(name)) report('immutability', `trigger ${name} is missing`);
	const kinds = new Set(schema.systemAccounts.map((account) => account.kind));
	for (const kind of systemAccountKinds)
		if (!kinds.has(kind)) report('system_accounts', `account ${kind} is missing`);
	const newest = schema.newestTransferId;
	for (const { kind, through } of schema.systemAccounts) {
		if (through === null || through > newest)
			report(
				'system_accounts',
				`account ${kind} is rolled up through ${through}, newest transfer is ${newest}`
			);
	}
}

/** Checks every invariant of the ledger; returns one line per violation (empty: all good). */
export function verifyLedger(sqlite: Database.Database): string[] {
	const { report, lines } = violationLog();
	verifyStructure(report, {
		triggers: {
			required: ['transfers_no_update', 'transfers_no_delete'],
			present: new Set(
				sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger'`).pluck().all()
			) as Set<string>
		},
		systemAccounts: sqlite.prepare(systemAccountsQuery).all() as {
			kind: string;
			through: number | null;
		}[],
		newestTransferId: sqlite.prepare(newestTransferQuery).pluck().get() as number
	});
	for (const [check, query] of Object.entries(checks)) {
		for (const problem of sqlite.prepare(query).pluck().all() as string[]) report(check, problem);
	}
	verifyHistory(sqlite, report);
	return lines();
}
