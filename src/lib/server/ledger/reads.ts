import type Database from 'better-sqlite3';
import { and, desc, eq, gt, sql } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteSelect } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/index';
import { availableOf, debtOf, findAccount, reloadAccount } from './accounts';
import type { Context } from './context';
import { expireIfDue } from './expire';
import { accounts, holds, lots, transfers, type Hold } from './schema';
import { expiringSoonMs } from './time';
import {
	emptyPage,
	pageOf,
	pageRequestOf,
	startQuery,
	transferQuery,
	walksHistory,
	type HistoryStart,
	type TransferFilter,
	type TransferPage,
	type TransferRow
} from './transfer-pages';

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

/**
 * Newest first, keyset-paginated on the transfer id in both directions (transfer-pages.ts). Each shape
 * of filter is one statement, prepared once per connection: building and preparing the SQL cost more
 * than running it (docs/performance.md).
 */
export function listTransfers(ctx: Context, filter: TransferFilter = {}): TransferPage {
	const request = pageRequestOf(filter);
	let history: HistoryStart | undefined;
	if (filter.userId !== undefined) {
		const account = findAccount(ctx, filter.userId);
		if (!account) return emptyPage;
		history = { accountId: account.id, start: account.lastTransferId };
		if (walksHistory(filter) && request.before !== null) {
			const below = statementOf(ctx, startQuery).get({
				before: request.before,
				account: account.id
			}) as [prevId: number | null] | undefined;
			if (below) history.start = below[0];
		}
	}
	const { source, params } = transferQuery(filter, request, history);
	return pageOf(statementOf(ctx, source).all(params) as TransferRow[], request);
}

/** Statements answer arrays (see TransferRow). */
const statements = new WeakMap<Context, Map<string, Database.Statement>>();

function statementOf(ctx: Context, source: string): Database.Statement {
	let cache = statements.get(ctx);
	if (!cache) statements.set(ctx, (cache = new Map()));
	let statement = cache.get(source);
	if (!statement) cache.set(source, (statement = ctx.sqlite.prepare(source).raw()));
	return statement;
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
