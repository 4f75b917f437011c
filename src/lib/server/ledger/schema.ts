import { sql } from 'drizzle-orm';
import {
	check,
	index,
	integer,
	primaryKey,
	sqliteTable,
	text,
	uniqueIndex
} from 'drizzle-orm/sqlite-core';

export const systemAccountKinds = [
	'issued_purchase',
	'issued_grant',
	'spent',
	'expired',
	'clawed_back',
	'adjusted'
] as const;
export const accountKinds = ['user', ...systemAccountKinds] as const;

export const transferCodes = [
	'purchase',
	'grant',
	'spend',
	'hold',
	'capture',
	'release',
	'expire',
	'refund',
	'dispute',
	'reinstate',
	'adjust'
] as const;

export const lotCategories = ['paid', 'free'] as const;
/** Among lots that expire at the same time, spends take the lower rank first: free credits before paid. */
export const lotCategoryRank: Record<(typeof lotCategories)[number], number> = { free: 0, paid: 1 };
export const holdStatuses = ['pending', 'captured', 'released', 'expired'] as const;

const timestamp = (name: string) => integer(name, { mode: 'timestamp_ms' });

// SQLite does not enforce Drizzle's text enums; these CHECKs do (the PostgreSQL twin, pg/schema.ts, too).
export const oneOf = (column: string, values: readonly string[]) =>
	sql.raw(`${column} IN (${values.map((v) => `'${v}'`).join(', ')})`);

// The same rule for the table every spend inserts into: there SQLite's `IN` over more than two constants
// costs every insert a temporary index (docs/performance.md); equalities do not.
const equalsOneOf = (column: string, values: readonly string[]) =>
	sql.raw(values.map((v) => `${column} = '${v}'`).join(' OR '));

/** One per user plus the system accounts; counters move only through transfers. */
export const accounts = sqliteTable(
	'accounts',
	{
		id: integer('id').primaryKey(),
		kind: text('kind', { enum: accountKinds }).notNull(),
		userId: text('user_id').unique(),
		debitsPosted: integer('debits_posted').notNull().default(0),
		creditsPosted: integer('credits_posted').notNull().default(0),
		debitsPending: integer('debits_pending').notNull().default(0),
		creditsPending: integer('credits_pending').notNull().default(0),
		// Lower bound of the next lot or hold expiry, so a spend skips the expiry query when nothing is due.
		nextExpiryAt: timestamp('next_expiry_at'),
		// The newest transfer of a user account: the head of its history chain (transfers.prev_id).
		lastTransferId: integer('last_transfer_id'),
		// The lot spends are drawing from, and what they drew from it that lots.remaining does not show yet:
		// a spend then writes this row instead of the lot's. Any other operation writes it back first.
		currentLotId: integer('current_lot_id'),
		currentLotDrawn: integer('current_lot_drawn').notNull().default(0),
		// System accounts only: their counters include every transfer up to this id; rollUp() adds the rest.
		rolledUpThrough: integer('rolled_up_through'),
		createdAt: timestamp('created_at').notNull()
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

/** Pending transfers: credits reserved until captured, released or expired. */
export const holds = sqliteTable(
	'holds',
	{
		id: integer('id').primaryKey(),
		accountId: integer('account_id')
			.notNull()
			.references(() => accounts.id),
		amount: integer('amount').notNull(),
		capturedAmount: integer('captured_amount').notNull().default(0),
		status: text('status', { enum: holdStatuses }).notNull().default('pending'),
		expiresAt: timestamp('expires_at').notNull(),
		createdAt: timestamp('created_at').notNull(),
		resolvedAt: timestamp('resolved_at')
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

/** Immutable history: triggers in the migration reject UPDATE and DELETE. */
export const transfers = sqliteTable(
	'transfers',
	{
		id: integer('id').primaryKey(),
		debitAccountId: integer('debit_account_id')
			.notNull()
			.references(() => accounts.id),
		creditAccountId: integer('credit_account_id')
			.notNull()
			.references(() => accounts.id),
		// Every transfer moves credits between one user account and one system account.
		userAccountId: integer('user_account_id')
			.notNull()
			.references(() => accounts.id),
		amount: integer('amount').notNull(),
		code: text('code', { enum: transferCodes }).notNull(),
		holdId: integer('hold_id').references(() => holds.id),
		idempotencyKey: text('idempotency_key').notNull().unique(),
		// SHA-256 of the request, telling a retry from another use of the key. Null on a spend, whose columns
		// are the whole request (spends written by earlier versions carry one, which is not read).
		requestHash: text('request_hash'),
		reference: text('reference'),
		reason: text('reason'),
		actor: text('actor').notNull(),
		balanceAfter: integer('balance_after').notNull(),
		availableAfter: integer('available_after').notNull(),
		// The previous transfer of the same user account. This chain replaces an (account, id) index,
		// which would cost every spend one more page write.
		prevId: integer('prev_id'),
		// The one lot a spend drew its whole amount from; other draws are rows of `allocations`.
		lotId: integer('lot_id'),
		createdAt: timestamp('created_at').notNull()
	},
	(t) => [
		index('transfers_reference_idx')
			.on(t.reference)
			.where(sql`reference IS NOT NULL`),
		index('transfers_hold_idx')
			.on(t.holdId)
			.where(sql`hold_id IS NOT NULL`),
		check('transfers_code_check', equalsOneOf('code', transferCodes)),
		check('transfers_amount_check', sql`amount > 0`),
		check('transfers_sides_check', sql`debit_account_id <> credit_account_id`),
		check(
			'transfers_user_side_check',
			sql`user_account_id IN (debit_account_id, credit_account_id)`
		)
	]
);

/** Every credit into a user account opens a lot; spends draw lots down. */
export const lots = sqliteTable(
	'lots',
	{
		id: integer('id').primaryKey(),
		accountId: integer('account_id')
			.notNull()
			.references(() => accounts.id),
		transferId: integer('transfer_id')
			.notNull()
			.unique()
			.references(() => transfers.id),
		category: text('category', { enum: lotCategories }).notNull(),
		amount: integer('amount').notNull(),
		remaining: integer('remaining').notNull(),
		held: integer('held').notNull().default(0),
		// Credits of this lot that paid back a debt (no transfer: the clawback already moved them).
		debtPaid: integer('debt_paid').notNull().default(0),
		expiresAt: timestamp('expires_at'),
		createdAt: timestamp('created_at').notNull()
	},
	(t) => [
		// An account's lots by expiry, as the spend order reads them (its category rank is sorted per read:
		// an account has few open lots). Not partial (WHERE remaining > held): every spend would rewrite it.
		index('lots_spend_order_idx').on(
			t.accountId,
			sql`expires_at IS NULL`,
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

/** Which lots paid for (or, for a hold, are reserved by) which transfer, unless transfers.lot_id says it. */
export const allocations = sqliteTable(
	'allocations',
	{
		transferId: integer('transfer_id')
			.notNull()
			.references(() => transfers.id),
		lotId: integer('lot_id')
			.notNull()
			.references(() => lots.id),
		amount: integer('amount').notNull()
	},
	(t) => [
		primaryKey({ columns: [t.transferId, t.lotId] }),
		check('allocations_amount_check', sql`amount > 0`)
	]
);

export type Account = typeof accounts.$inferSelect;
export type Transfer = typeof transfers.$inferSelect;
export type Lot = typeof lots.$inferSelect;
export type Hold = typeof holds.$inferSelect;
export type Allocation = typeof allocations.$inferSelect;
export type SystemAccountKind = (typeof systemAccountKinds)[number];
export type TransferCode = (typeof transferCodes)[number];
export type LotCategory = (typeof lotCategories)[number];
export type HoldStatus = (typeof holdStatuses)[number];
