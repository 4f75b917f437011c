import { and, desc, eq, gt, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteSelect } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/index';
import { availableOf, debtOf, findAccount, reloadAccount } from './accounts';
import type { Context } from './context';
import { expireIfDue } from './expire';
import {
	accounts,
	holds,
	lots,
	transfers,
	type Hold,
	type Transfer,
	type TransferCode
} from './schema';
import { expiringSoonMs } from './time';
import { effectOf, ruleOf } from './transfer-codes';

export type BalanceSummary = {
	balance: number;
	/** balance minus credits on hold; negative while the account is in debt */
	available: number;
	onHold: number;
	/** unheld credits whose lots expire within 30 days */
	expiringSoon: number;
	debt: number;
};

/** Expires what is due first (a short write), so a balance never shows expired credits. */
export function readBalance(ctx: Context, userId: string): BalanceSummary {
	let account = findAccount(ctx, userId);
	if (!account) return { balance: 0, available: 0, onHold: 0, expiringSoon: 0, debt: 0 };
	if (account.nextExpiryAt !== null && account.nextExpiryAt <= ctx.now()) {
		const id = account.id;
		account = ctx.immediate(() => {
			const current = reloadAccount(ctx, id);
			expireIfDue(ctx, current);
			return current;
		});
	}
	const now = ctx.now();
	const available = availableOf(account);
	const expiringSoon = ctx.sql.expiringSoon.get(account.id, now, now + expiringSoonMs) as number;
	return {
		balance: account.balance,
		available,
		onHold: account.onHold,
		expiringSoon,
		debt: debtOf(available)
	};
}

export type TransferFilter = {
	userId?: string;
	code?: TransferCode | TransferCode[];
	/** what the transfers are about, e.g. a purchase id */
	reference?: string;
	/** created at or after */
	from?: Date;
	/** created before */
	to?: Date;
	/** 1 to 500, default 50 */
	limit?: number;
	/** nextCursor of the previous page */
	cursor?: string | null;
};
/** A transfer with its effect on the user's balance (+ in, − out, 0 for a hold's reservation). */
export type TransferEntry = Transfer & { balanceDelta: number };
export type TransferPage = { items: TransferEntry[]; nextCursor: string | null };

/** Newest first, keyset-paginated on the transfer id. */
export function listTransfers(ctx: Context, db: Db, filter: TransferFilter = {}): TransferPage {
	const limit = Math.min(Math.max(Math.trunc(filter.limit ?? 50), 1), 500);
	const cursor = filter.cursor ? parseCursor(filter.cursor) : null;
	const conditions: SQL[] = [];
	if (filter.code !== undefined) conditions.push(inArray(transfers.code, [filter.code].flat()));
	if (filter.reference !== undefined) conditions.push(eq(transfers.reference, filter.reference));
	if (filter.from) conditions.push(gte(transfers.createdAt, filter.from));
	if (filter.to) conditions.push(lt(transfers.createdAt, filter.to));
	if (cursor !== null) conditions.push(lt(transfers.id, cursor));
	if (filter.userId !== undefined) {
		const account = findAccount(ctx, filter.userId);
		if (!account) return { items: [], nextCursor: null };
		conditions.push(inArray(transfers.id, historyOf(account, cursor, conditions, limit + 1)));
	}
	const rows = db
		.select()
		.from(transfers)
		.where(and(...conditions))
		.orderBy(desc(transfers.id))
		.limit(limit + 1)
		.all();
	const items = rows.slice(0, limit).map((row) => ({ ...row, balanceDelta: balanceDeltaOf(row) }));
	return { items, nextCursor: rows.length > limit ? String(items[items.length - 1].id) : null };
}

/**
 * The ids of the account's transfers that meet the conditions, newest first, found by walking its
 * prev_id chain from the head, or from the cursor when it is one of the account's transfers. The walk is
 * lazy: it stops once `limit` match.
 */
function historyOf(
	account: { id: number; lastTransferId: number | null },
	cursor: number | null,
	conditions: SQL[],
	limit: number
) {
	const start =
		cursor === null
			? sql`${account.lastTransferId}`
			: sql`CASE WHEN EXISTS (SELECT 1 FROM transfers WHERE id = ${cursor} AND user_account_id = ${account.id})
				THEN (SELECT prev_id FROM transfers WHERE id = ${cursor}) ELSE ${account.lastTransferId} END`;
	return sql`(WITH RECURSIVE chain(id) AS (
		SELECT ${start} UNION ALL SELECT prev_id FROM transfers JOIN chain ON transfers.id = chain.id
	) SELECT transfers.id FROM chain JOIN transfers ON transfers.id = chain.id
	WHERE ${and(eq(transfers.userAccountId, account.id), ...conditions)} LIMIT ${limit})`;
}

function balanceDeltaOf(transfer: Transfer) {
	const { posted } = effectOf(ruleOf(transfer.code, transfer.holdId), transfer.amount);
	if (posted === 0) return 0;
	return transfer.creditAccountId === transfer.userAccountId ? posted : -posted;
}

function parseCursor(cursor: string) {
	if (!/^[1-9]\d{0,15}$/.test(cursor)) throw new RangeError(`invalid transfers cursor "${cursor}"`);
	return Number(cursor);
}

/** The user's lots, oldest first, with the code and reference of the transfer that opened each. */
export function listLots(ctx: Context, db: Db, userId: string, options: { open?: boolean } = {}) {
	const account = findAccount(ctx, userId);
	if (!account) return [];
	// As the lots_now view: what spends drew from the current lot is not in lots.remaining yet.
	const remaining = sql<number>`${lots.remaining} - iif(${lots.id} = ${accounts.currentLotId}, ${accounts.currentLotDrawn}, 0)`;
	return db
		.select({ lot: lots, remaining, code: transfers.code, reference: transfers.reference })
		.from(lots)
		.innerJoin(transfers, eq(transfers.id, lots.transferId))
		.innerJoin(accounts, eq(accounts.id, lots.accountId))
		.where(and(eq(lots.accountId, account.id), options.open ? gt(remaining, lots.held) : undefined))
		.orderBy(lots.id)
		.all()
		.map(({ lot, remaining, code, reference }) => ({ ...lot, remaining, code, reference }));
}

/** The user's holds, newest first; only the pending ones on request. */
export function listHolds(
	ctx: Context,
	db: Db,
	userId: string,
	options: { pending?: boolean } = {}
): Hold[] {
	const account = findAccount(ctx, userId);
	if (!account) return [];
	return db
		.select()
		.from(holds)
		.where(
			and(
				eq(holds.accountId, account.id),
				options.pending ? eq(holds.status, 'pending') : undefined
			)
		)
		.orderBy(desc(holds.id))
		.all();
}

/** One hold and the user it belongs to; what is due is not expired here (read the balance first). */
export function findHold(db: Db, holdId: number): (Hold & { userId: string }) | undefined {
	const row = db
		.select({ hold: holds, userId: accounts.userId })
		.from(holds)
		.innerJoin(accounts, eq(accounts.id, holds.accountId))
		.where(eq(holds.id, holdId))
		.get();
	return row && { ...row.hold, userId: row.userId! };
}

/**
 * A user's balance, credits on hold and the time of their newest transfer, as columns for a query of
 * users that `joinUserBalances` has joined: lists of users sort and page on them in one query. Read
 * from the account rows, which every write keeps current; credits past their expiry count until the
 * sweep expires them. A user without an account has 0 and no transfer.
 */
export const userBalanceColumns = {
	balance: sql<number>`coalesce(${accounts.creditsPosted} - ${accounts.debitsPosted}, 0)`,
	onHold: sql<number>`coalesce(${accounts.debitsPending}, 0)`,
	lastTransferAt: sql<number | null>`${transfers.createdAt}`
};

/** Joins each row's user account, by the unique user id, and the head of its history, by primary key. */
export function joinUserBalances<T extends SQLiteSelect>(query: T, userId: SQLiteColumn) {
	return query
		.leftJoin(accounts, eq(accounts.userId, userId))
		.leftJoin(transfers, eq(transfers.id, accounts.lastTransferId));
}
