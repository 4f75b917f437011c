import type Database from 'better-sqlite3';
import type { PostedTransfer } from './results';
import { lotCategoryRank, type SystemAccountKind } from './schema';

export type Context = {
	sqlite: Database.Database;
	sql: Statements;
	system: Record<SystemAccountKind, number>;
	now: () => number;
	/** Runs fn in one BEGIN IMMEDIATE transaction (rolled back if it throws). */
	immediate: <T>(fn: () => T) => T;
	/** Hears every transfer inside the transaction that writes it (the app's outbox listens). */
	onPosted?: (transfer: PostedTransfer) => void;
};

export type Statements = ReturnType<typeof prepareStatements>;

const categoryRank = `CASE category ${Object.entries(lotCategoryRank)
	.map(([category, rank]) => `WHEN '${category}' THEN ${rank}`)
	.join(' ')} END`;

// Spend order: soonest expiry first (never-expiring last), then by category rank, then oldest.
const spendOrder = `expires_at IS NULL, expires_at, ${categoryRank}, id`;

function prepareStatements(sqlite: Database.Database) {
	const prepare = (source: string) => sqlite.prepare(source);
	const openLots = `SELECT id, remaining - held AS unheld FROM lots WHERE account_id = ? AND remaining > held
		ORDER BY ${spendOrder}`;
	// In AccountState's field order, read as arrays (accountOf): cheaper than better-sqlite3's row objects.
	const account = `id, credits_posted - debits_posted, debits_pending, next_expiry_at, last_transfer_id, current_lot_id,
		current_lot_drawn, (SELECT remaining - held FROM lots WHERE lots.id = accounts.current_lot_id), user_id`;
	return {
		accountByUser: prepare(`SELECT ${account} FROM accounts WHERE user_id = ?`).raw(),
		accountById: prepare(`SELECT ${account} FROM accounts WHERE id = ?`).raw(),
		insertAccount: prepare(
			`INSERT INTO accounts (kind, user_id, created_at) VALUES ('user', ?, ?)`
		),
		writeAccount:
			prepare(`UPDATE accounts SET debits_posted = debits_posted + ?, credits_posted = credits_posted + ?,
			debits_pending = debits_pending + ?, credits_pending = credits_pending + ?, last_transfer_id = ?,
			current_lot_id = ?, current_lot_drawn = ? WHERE id = ?`),
		forgetCurrentLot: prepare(
			'UPDATE accounts SET current_lot_id = NULL, current_lot_drawn = 0 WHERE id = ?'
		),
		lowerNextExpiry: prepare(
			'UPDATE accounts SET next_expiry_at = @at WHERE id = @id AND (next_expiry_at IS NULL OR next_expiry_at > @at)'
		),
		refreshNextExpiry: prepare(`UPDATE accounts SET next_expiry_at = (SELECT min(at) FROM (
			SELECT min(expires_at) AS at FROM lots WHERE account_id = @id AND remaining > held
			UNION ALL SELECT min(expires_at) FROM holds WHERE account_id = @id AND status = 'pending'
		)) WHERE id = @id`),
		dueAccounts: prepare(
			'SELECT id FROM accounts WHERE next_expiry_at <= ? ORDER BY next_expiry_at LIMIT ?'
		),
		transferByKey:
			prepare(`SELECT transfers.id, user_account_id AS accountId, accounts.user_id AS userId, code,
			request_hash AS requestHash, hold_id AS holdId, amount, reference, reason, actor, balance_after AS balance,
			available_after AS available FROM transfers JOIN accounts ON accounts.id = transfers.user_account_id
			WHERE idempotency_key = ?`),
		insertTransfer:
			prepare(`INSERT INTO transfers (debit_account_id, credit_account_id, user_account_id, amount, code,
			hold_id, idempotency_key, request_hash, reference, reason, actor, balance_after, available_after, prev_id, lot_id,
			created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		holdTransferId: prepare(`SELECT id FROM transfers WHERE hold_id = ? AND code = 'hold'`),
		openLots: prepare(openLots),
		firstOpenLot: prepare(`${openLots} LIMIT 1`),
		dueLots: prepare(
			'SELECT id, remaining, remaining - held AS unheld FROM lots WHERE account_id = ? AND expires_at <= ? AND remaining > held ORDER BY id'
		),
		insertLot:
			prepare(`INSERT INTO lots (account_id, transfer_id, category, amount, remaining, expires_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`),
		lotIdByTransfer: prepare('SELECT id FROM lots WHERE transfer_id = ?').pluck(),
		lotIdByReference:
			prepare(`SELECT lots.id FROM lots JOIN transfers ON transfers.id = lots.transfer_id
			WHERE lots.account_id = ? AND transfers.reference = ? ORDER BY lots.id LIMIT 1`).pluck(),
		lotOfAccount: prepare('SELECT id FROM lots WHERE id = ? AND account_id = ?').pluck(),
		consumeLot: prepare('UPDATE lots SET remaining = remaining - ? WHERE id = ?'),
		reserveLot: prepare('UPDATE lots SET held = held + ? WHERE id = ?'),
		unreserveLot: prepare(
			'UPDATE lots SET held = held - ?, remaining = remaining - ? WHERE id = ?'
		),
		payDebtFromLot: prepare(
			'UPDATE lots SET remaining = remaining - @amount, debt_paid = debt_paid + @amount WHERE id = @id'
		),
		insertAllocation: prepare(
			'INSERT INTO allocations (transfer_id, lot_id, amount) VALUES (?, ?, ?)'
		),
		reservations: prepare(`SELECT allocations.lot_id AS lotId, allocations.amount FROM allocations
			JOIN lots ON lots.id = allocations.lot_id WHERE allocations.transfer_id = ? ORDER BY ${spendOrder}`),
		insertHold: prepare(
			'INSERT INTO holds (account_id, amount, expires_at, created_at) VALUES (?, ?, ?, ?)'
		),
		holdById:
			prepare(`SELECT holds.id, holds.account_id AS accountId, accounts.user_id AS userId, holds.amount, holds.status
			FROM holds JOIN accounts ON accounts.id = holds.account_id WHERE holds.id = ?`),
		markHoldResolved: prepare(
			'UPDATE holds SET status = ?, captured_amount = ?, resolved_at = ? WHERE id = ?'
		),
		dueHolds: prepare(
			`SELECT id FROM holds WHERE account_id = ? AND status = 'pending' AND expires_at <= ? ORDER BY id`
		).pluck(),
		expiringSoon: prepare(`SELECT coalesce(sum(remaining - held), 0) FROM lots_now
			WHERE account_id = ? AND remaining > held AND expires_at > ? AND expires_at <= ?`).pluck()
	};
}

export function createContext(
	sqlite: Database.Database,
	now: () => Date,
	onPosted?: Context['onPosted']
): Context {
	const rows = sqlite.prepare('SELECT id, kind FROM accounts WHERE user_id IS NULL').all() as {
		id: number;
		kind: SystemAccountKind;
	}[];
	const system = Object.fromEntries(rows.map((row) => [row.kind, row.id])) as Context['system'];
	const transaction = sqlite.transaction((fn: () => unknown) => fn());
	return {
		sqlite,
		sql: prepareStatements(sqlite),
		system,
		now: () => now().getTime(),
		immediate: <T>(fn: () => T) => transaction.immediate(fn) as T,
		onPosted
	};
}
