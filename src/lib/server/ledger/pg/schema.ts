import { sql } from 'drizzle-orm';
import { bigint, check, index, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { accountKinds, holdStatuses, lotCategories, oneOf, transferCodes } from '../schema';

// The PostgreSQL twin of ../schema.ts: the same tables, columns, constraints and meanings (schema.spec.ts
// compares them). Credits, ids and times (ms since the epoch) are int8, read back as numbers (db/pg).

const int8 = (name: string) => bigint(name, { mode: 'number' });
const id = () => int8('id').primaryKey().generatedByDefaultAsIdentity();

export const accounts = pgTable(
	'accounts',
	{
		id: id(),
		kind: text('kind', { enum: accountKinds }).notNull(),
		userId: text('user_id').unique(),
		debitsPosted: int8('debits_posted').notNull().default(0),
		creditsPosted: int8('credits_posted').notNull().default(0),
		debitsPending: int8('debits_pending').notNull().default(0),
		creditsPending: int8('credits_pending').notNull().default(0),
		nextExpiryAt: int8('next_expiry_at'),
		lastTransferId: int8('last_transfer_id'),
		// Kept for the same schema as SQLite; the PostgreSQL functions write lots directly and leave it null.
		currentLotId: int8('current_lot_id'),
		currentLotDrawn: int8('current_lot_drawn').notNull().default(0),
		rolledUpThrough: int8('rolled_up_through'),
		createdAt: int8('created_at').notNull()
	},
	(t) => [
		uniqueIndex('accounts_system_kind_idx')
			.on(t.kind)
			.where(sql`user_id IS NULL`),
		index('accounts_next_expiry_idx').on(t.nextExpiryAt),
		check('accounts_kind_check', oneOf('kind', accountKinds)),
		check('accounts_owner_check', sql`(kind = 'user') = (user_id IS NOT NULL)`),
		check(
			'accounts_counters_check',
			sql`debits_posted >= 0 AND credits_posted >= 0 AND debits_pending >= 0 AND credits_pending >= 0`
		),
		check(
			'accounts_current_lot_check',
			sql`current_lot_drawn >= 0 AND (current_lot_id IS NOT NULL OR current_lot_drawn = 0)`
		)
	]
);

export const holds = pgTable(
	'holds',
	{
		id: id(),
		accountId: int8('account_id')
			.notNull()
			.references(() => accounts.id),
		amount: int8('amount').notNull(),
		capturedAmount: int8('captured_amount').notNull().default(0),
		status: text('status', { enum: holdStatuses }).notNull().default('pending'),
		expiresAt: int8('expires_at').notNull(),
		createdAt: int8('created_at').notNull(),
		resolvedAt: int8('resolved_at')
	},
	(t) => [
		index('holds_pending_idx')
			.on(t.accountId, t.expiresAt)
			.where(sql`status = 'pending'`),
		check('holds_status_check', oneOf('status', holdStatuses)),
		check('holds_amount_check', sql`amount > 0`),
		check('holds_captured_check', sql`captured_amount >= 0 AND captured_amount <= amount`)
	]
);

export const transfers = pgTable(
	'transfers',
	{
		id: id(),
		debitAccountId: int8('debit_account_id')
			.notNull()
			.references(() => accounts.id),
		creditAccountId: int8('credit_account_id')
			.notNull()
			.references(() => accounts.id),
		userAccountId: int8('user_account_id')
			.notNull()
			.references(() => accounts.id),
		amount: int8('amount').notNull(),
		code: text('code', { enum: transferCodes }).notNull(),
		holdId: int8('hold_id').references(() => holds.id),
		idempotencyKey: text('idempotency_key').notNull().unique(),
		requestHash: text('request_hash'),
		reference: text('reference'),
		reason: text('reason'),
		actor: text('actor').notNull(),
		balanceAfter: int8('balance_after').notNull(),
		availableAfter: int8('available_after').notNull(),
		prevId: int8('prev_id'),
		lotId: int8('lot_id'),
		createdAt: int8('created_at').notNull()
	},
	(t) => [
		index('transfers_reference_idx')
			.on(t.reference)
			.where(sql`reference IS NOT NULL`),
		index('transfers_hold_idx')
			.on(t.holdId)
			.where(sql`hold_id IS NOT NULL`),
		check('transfers_code_check', oneOf('code', transferCodes)),
		check('transfers_amount_check', sql`amount > 0`),
		check('transfers_sides_check', sql`debit_account_id <> credit_account_id`),
		check(
			'transfers_user_side_check',
			sql`user_account_id IN (debit_account_id, credit_account_id)`
		)
	]
);

export const lots = pgTable(
	'lots',
	{
		id: id(),
		accountId: int8('account_id')
			.notNull()
			.references(() => accounts.id),
		transferId: int8('transfer_id')
			.notNull()
			.unique()
			.references(() => transfers.id),
		category: text('category', { enum: lotCategories }).notNull(),
		amount: int8('amount').notNull(),
		remaining: int8('remaining').notNull(),
		held: int8('held').notNull().default(0),
		debtPaid: int8('debt_paid').notNull().default(0),
		expiresAt: int8('expires_at'),
		createdAt: int8('created_at').notNull()
	},
	(t) => [
		index('lots_spend_order_idx').on(
			t.accountId,
			sql`(expires_at IS NULL)`,
			t.expiresAt,
			t.category,
			t.id
		),
		check('lots_category_check', oneOf('category', lotCategories)),
		check('lots_amount_check', sql`amount > 0`),
		check('lots_remaining_check', sql`remaining >= 0 AND remaining <= amount`),
		check('lots_held_check', sql`held >= 0 AND held <= remaining`),
		check('lots_debt_paid_check', sql`debt_paid >= 0 AND debt_paid <= amount`)
	]
);

export const allocations = pgTable(
	'allocations',
	{
		transferId: int8('transfer_id')
			.notNull()
			.references(() => transfers.id),
		lotId: int8('lot_id')
			.notNull()
			.references(() => lots.id),
		amount: int8('amount').notNull()
	},
	(t) => [
		primaryKey({ columns: [t.transferId, t.lotId] }),
		check('allocations_amount_check', sql`amount > 0`)
	]
);

/**
 * Transfers the system accounts' counters do not count yet. On PostgreSQL an id is taken before its
 * transaction commits, so a lower id can commit after a higher one: a "rolled up through id N" mark
 * (SQLite's rolled_up_through) would skip it. rollUp() takes what is committed here instead.
 */
export const rollupQueue = pgTable('rollup_queue', {
	transferId: int8('transfer_id')
		.primaryKey()
		.references(() => transfers.id)
});
