import { transferCodes } from '../schema';
import { callOf, missingHold, perform, pick, type Call, type Command } from './commands';
import type { Row, TestBackend } from './ledger';

/**
 * Runs a command sequence on one backend and returns every result, in order: the operations', the
 * balances a `check` reads, the sweeps' and roll-ups' summaries. `tickToExpiry` moves to the next
 * expiry the backend itself holds.
 */
export async function drive(t: TestBackend, commands: Command[], users: readonly string[]) {
	const results: unknown[] = [];
	const calls: Call[] = [];
	const holdIds: number[] = [];
	const references: string[] = [];
	const run = async (call: Call) => {
		const { hold, fromLotReference } = pick(call.command, holdIds.length, references);
		const holdId = hold === null ? missingHold : holdIds[hold];
		const result = (await perform(t.ledger, call, { holdId, fromLotReference })) as Row;
		if (call.command.kind === 'hold' && result.ok && !result.replayed)
			holdIds.push(Number(result.holdId));
		results.push(result);
	};
	for (const [index, c] of commands.entries()) {
		if (c.kind === 'tick') t.advance(c.ms);
		else if (c.kind === 'tickToExpiry') t.clock.now = (await nextExpiry(t)) ?? t.clock.now;
		else if (c.kind === 'expire') results.push(await t.ledger.expire());
		else if (c.kind === 'rollUp') {
			// Its { after, through } are transfer ids, which the backends number differently.
			await t.ledger.rollUp();
			results.push(await t.ledger.systemTotals());
		} else if (c.kind === 'check') {
			for (const u of users) results.push(await t.ledger.balance(u));
		} else if (c.kind === 'retry') {
			if (calls.length === 0) continue;
			const original = calls[c.pick % calls.length];
			await run(c.changed ? { ...original, reason: 'changed' } : original);
		} else {
			const call = callOf(c, index, t.clock.now);
			if (c.kind === 'grant') references.push(call.reference);
			calls.push(call);
			await run(call);
		}
	}
	return results;
}

async function nextExpiry(t: TestBackend) {
	const [row] = await t.query(
		`SELECT min(at) AS at FROM (
			SELECT expires_at AS at FROM lots_now WHERE remaining > held AND expires_at > ?
			UNION ALL SELECT expires_at AS at FROM holds WHERE status = 'pending' AND expires_at > ?
		) due`,
		[t.clock.now, t.clock.now]
	);
	return (row.at as number | null) ?? null;
}

// Lots and draws as the views read them: SQLite's spends from an account's current lot keep its
// draws on the account (current_lot_drawn) until the lot changes, PostgreSQL's write the lot. The
// system accounts' created_at is when the migration ran.
const tables = {
	accounts: `SELECT id, kind, user_id, debits_posted, credits_posted, debits_pending, credits_pending,
		next_expiry_at, last_transfer_id, CASE WHEN user_id IS NULL THEN NULL ELSE created_at END AS created_at
		FROM accounts ORDER BY id`,
	transfers: `SELECT id, debit_account_id, credit_account_id, user_account_id, amount, code, hold_id,
		idempotency_key, request_hash, reference, reason, actor, balance_after, available_after, prev_id,
		lot_id, created_at FROM transfers ORDER BY id`,
	lots: `SELECT id, account_id, transfer_id, category, amount, remaining, held, debt_paid, expires_at,
		created_at FROM lots_now ORDER BY id`,
	holds: `SELECT id, account_id, amount, captured_amount, status, expires_at, created_at, resolved_at
		FROM holds ORDER BY id`,
	draws: 'SELECT transfer_id, lot_id, amount FROM draws ORDER BY transfer_id, lot_id'
};
type Table = 'accounts' | 'transfers' | 'lots' | 'holds';

/** Which table an id field points into, in the SQL rows' and the ledger's results' spelling. */
const references: Record<string, Table> = {
	accountId: 'accounts',
	account_id: 'accounts',
	debitAccountId: 'accounts',
	debit_account_id: 'accounts',
	creditAccountId: 'accounts',
	credit_account_id: 'accounts',
	userAccountId: 'accounts',
	user_account_id: 'accounts',
	transferId: 'transfers',
	transfer_id: 'transfers',
	prevId: 'transfers',
	prev_id: 'transfers',
	lastTransferId: 'transfers',
	last_transfer_id: 'transfers',
	lotId: 'lots',
	lot_id: 'lots',
	holdId: 'holds',
	hold_id: 'holds'
};

/**
 * The ledger's whole state, and `results` from drive(), with every id replaced by its row's position
 * in its table (`#n`), so two backends whose sequences hand out different numbers compare equal. The
 * system accounts' counters are read after a roll-up.
 */
export async function normalisedState(
	t: TestBackend,
	users: readonly string[],
	results: unknown[]
) {
	await t.ledger.rollUp();
	const rows: Record<string, Row[]> = {};
	for (const [name, sql] of Object.entries(tables)) rows[name] = await t.query(sql);
	const positions = Object.fromEntries(
		(['accounts', 'transfers', 'lots', 'holds'] as const).map((table) => [
			table,
			new Map(rows[table].map((row, index) => [Number(row.id), `#${index + 1}`]))
		])
	) as Record<Table, Map<number, string>>;
	const idOf = (table: Table, id: unknown) =>
		id === null || id === undefined ? id : (positions[table].get(Number(id)) ?? `unknown ${id}`);
	// Ids inside text: internal keys (ledger:expire:lot:7:3) and messages (hold 7 is already captured).
	const text = (value: string) =>
		value.replace(
			/\b(hold|lot)([: ])(\d+)/g,
			(_, table: string, gap: string, id: string) =>
				`${table}${gap}${idOf(`${table}s` as Table, id)}`
		);
	const normalise = (value: unknown, table?: Table): unknown => {
		if (typeof value === 'string') return text(value);
		if (Array.isArray(value)) return value.map((item) => normalise(item, table));
		if (value === null || typeof value !== 'object') return value;
		return Object.fromEntries(
			Object.entries(value).map(([field, inner]) => [
				field,
				field === 'id' && table
					? idOf(table, inner)
					: references[field]
						? idOf(references[field], inner)
						: normalise(inner)
			])
		);
	};
	const perUser = async (read: (user: string) => Promise<unknown>, table?: Table) => {
		const entries: [string, unknown][] = [];
		for (const u of users) entries.push([u, normalise(await read(u), table)]);
		return Object.fromEntries(entries);
	};
	return {
		results: normalise(results),
		tables: Object.fromEntries(
			Object.entries(rows).map(([name, list]) => [
				name,
				normalise(list, name === 'draws' ? undefined : (name as Table))
			])
		),
		balances: await perUser((u) => t.ledger.balance(u)),
		history: await perUser(
			async (u) => (await t.ledger.transfers({ userId: u, limit: 500 })).items,
			'transfers'
		),
		lots: await perUser((u) => t.ledger.lots(u), 'lots'),
		holds: await perUser((u) => t.ledger.holds(u), 'holds'),
		systemTotals: await t.ledger.systemTotals(),
		dailyTotals: await t.ledger.dailyTotals({ codes: [...transferCodes], from: new Date(0) }),
		verify: await t.ledger.verify()
	};
}
