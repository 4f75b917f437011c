import type Database from 'better-sqlite3';
import { and, desc, eq, gt, sql } from 'drizzle-orm';
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
	/** only transfers whose reference starts with this */
	referenceStartsWith?: string;
	/** only transfers without a reference, or whose reference does not start with this */
	referenceNotStartsWith?: string;
	/** created at or after */
	from?: Date;
	/** created before */
	to?: Date;
	/** 1 to 500, default 50 */
	limit?: number;
	/** nextCursor of a page: the page of transfers older than it */
	cursor?: string | null;
	/** newerCursor of a page: the page of transfers newer than it (not with `cursor`) */
	newerCursor?: string | null;
};
/** A transfer with its effect on the user's balance (+ in, − out, 0 for a hold's reservation). */
export type TransferEntry = Transfer & { balanceDelta: number };
export type TransferPage = {
	items: TransferEntry[];
	/** null on the oldest page */
	nextCursor: string | null;
	/** null on the newest page; a page reached through `cursor` always has one */
	newerCursor: string | null;
};

const emptyPage: TransferPage = { items: [], nextCursor: null, newerCursor: null };

/**
 * Newest first, keyset-paginated on the transfer id in both directions. A user's history is read
 * through its prev_id chain (see historyQuery). Each shape of filter is one statement, prepared once
 * per connection: building and preparing the SQL cost more than running it (docs/performance.md).
 */
export function listTransfers(ctx: Context, filter: TransferFilter = {}): TransferPage {
	const limit = Math.min(Math.max(Math.trunc(filter.limit ?? 50), 1), 500);
	const before = filter.cursor ? parseCursor(filter.cursor) : null;
	const after = filter.newerCursor ? parseCursor(filter.newerCursor) : null;
	if (before !== null && after !== null)
		throw new RangeError('give a transfers cursor or a newer cursor, not both');
	const params: Record<string, unknown> = { limit: limit + 1 };
	const match = matchOf(filter, params);
	if (before !== null) {
		match.push('t.id < @before');
		params.before = before;
	}
	let source: string;
	if (filter.userId !== undefined) {
		const account = findAccount(ctx, filter.userId);
		if (!account) return emptyPage;
		params.account = account.id;
		if (filter.reference !== undefined) {
			// The reference index finds these faster than the account's chain.
			match.push('t.user_account_id = @account');
			source = scanQuery(match, after);
		} else {
			params.start = startOf(ctx, account, before);
			source = historyQuery(match, after);
		}
	} else source = scanQuery(match, after);
	if (after !== null) params.after = after;
	const rows = (statementOf(ctx, source).all(params) as TransferRow[]).map(toEntry);
	const items = rows.slice(0, limit);
	const more = rows.length > limit;
	if (after !== null) {
		items.reverse();
		return {
			items,
			nextCursor: items.length > 0 ? String(items[items.length - 1].id) : null,
			newerCursor: more ? String(items[0].id) : null
		};
	}
	return {
		items,
		nextCursor: more ? String(items[items.length - 1].id) : null,
		newerCursor: before !== null && items.length > 0 ? String(items[0].id) : null
	};
}

/** The filter as SQL conditions on `t`, with named parameters, so each shape is one statement. */
function matchOf(filter: TransferFilter, params: Record<string, unknown>): string[] {
	const match: string[] = [];
	if (filter.code !== undefined) {
		const codes = [filter.code].flat();
		codes.forEach((code, i) => (params[`code${i}`] = code));
		// Equalities, not IN: see the transfer CHECK in schema.ts.
		match.push(`(${codes.map((_, i) => `t.code = @code${i}`).join(' OR ') || '0'})`);
	}
	if (filter.reference !== undefined) {
		match.push('t.reference = @reference');
		params.reference = filter.reference;
	}
	if (filter.referenceStartsWith !== undefined) {
		match.push('substr(t.reference, 1, length(@startsWith)) = @startsWith');
		params.startsWith = filter.referenceStartsWith;
	}
	if (filter.referenceNotStartsWith !== undefined) {
		match.push("coalesce(substr(t.reference, 1, length(@notStartsWith)), '') <> @notStartsWith");
		params.notStartsWith = filter.referenceNotStartsWith;
	}
	if (filter.from) {
		match.push('t.created_at >= @from');
		params.from = filter.from.getTime();
	}
	if (filter.to) {
		match.push('t.created_at < @to');
		params.to = filter.to.getTime();
	}
	return match;
}

// Read as arrays in this order (toEntry): cheaper than better-sqlite3's row objects.
const transferColumns = `t.id, t.debit_account_id, t.credit_account_id, t.user_account_id, t.amount, t.code,
	t.hold_id, t.idempotency_key, t.request_hash, t.reference, t.reason, t.actor, t.balance_after,
	t.available_after, t.prev_id, t.lot_id, t.created_at`;

type TransferRow = [
	id: number,
	debitAccountId: number,
	creditAccountId: number,
	userAccountId: number,
	amount: number,
	code: TransferCode,
	holdId: number | null,
	idempotencyKey: string,
	requestHash: string | null,
	reference: string | null,
	reason: string | null,
	actor: string,
	balanceAfter: number,
	availableAfter: number,
	prevId: number | null,
	lotId: number | null,
	createdAt: number
];

const all = (match: string[]) => (match.length > 0 ? match.join(' AND ') : '1');

/** Any transfers, by primary key (or the reference index): older pages down, newer pages up. */
function scanQuery(match: string[], after: number | null) {
	if (after === null)
		return `SELECT ${transferColumns} FROM transfers t WHERE ${all(match)} ORDER BY t.id DESC LIMIT @limit`;
	return `SELECT ${transferColumns} FROM transfers t WHERE ${all(match)} AND t.id > @after
		ORDER BY t.id ASC LIMIT @limit`;
}

/**
 * One account's transfers, found by walking its prev_id chain from @start. SQLite materialises a
 * recursive CTE whole before anything reads it, so the walk itself must stop: older pages count the
 * matches and stop at @limit; newer pages walk down only to the cursor (@after), as the chain has no
 * forward links, and keep the @limit matches nearest it. The ids along a chain only decrease.
 * CROSS JOIN keeps the chain the outer loop: otherwise SQLite may scan all transfers in id order.
 */
function historyQuery(match: string[], after: number | null) {
	if (after === null) {
		// 0 or 1, never NULL (a NULL reference), which would end the count and so the walk.
		const hit = `iif(${all(match)}, 1, 0)`;
		return `WITH RECURSIVE chain(id, prev, hit, hits) AS (
			SELECT t.id, t.prev_id, ${hit}, ${hit} FROM transfers t WHERE t.id = @start
			UNION ALL
			SELECT t.id, t.prev_id, ${hit}, chain.hits + ${hit} FROM chain JOIN transfers t ON t.id = chain.prev
			WHERE chain.hits < @limit
		) SELECT ${transferColumns} FROM chain CROSS JOIN transfers t ON t.id = chain.id
		WHERE chain.hit AND t.user_account_id = @account ORDER BY chain.id DESC`;
	}
	return `WITH RECURSIVE chain(id, prev) AS (
			SELECT t.id, t.prev_id FROM transfers t WHERE t.id = @start AND t.id > @after
			UNION ALL
			SELECT t.id, t.prev_id FROM chain JOIN transfers t ON t.id = chain.prev WHERE t.id > @after
		) SELECT ${transferColumns} FROM chain CROSS JOIN transfers t ON t.id = chain.id
		WHERE ${all(match)} AND t.user_account_id = @account ORDER BY chain.id ASC LIMIT @limit`;
}

/** Where an account's walk starts: below the cursor when it is one of the account's transfers, else the head. */
function startOf(
	ctx: Context,
	account: { id: number; lastTransferId: number | null },
	before: number | null
): number | null {
	if (before === null) return account.lastTransferId;
	const below = statementOf(
		ctx,
		'SELECT prev_id FROM transfers WHERE id = ? AND user_account_id = ?'
	).get(before, account.id) as [prevId: number | null] | undefined;
	return below ? below[0] : account.lastTransferId;
}

/** Statements answer arrays (see transferColumns). */
const statements = new WeakMap<Context, Map<string, Database.Statement>>();

function statementOf(ctx: Context, source: string): Database.Statement {
	let cache = statements.get(ctx);
	if (!cache) statements.set(ctx, (cache = new Map()));
	let statement = cache.get(source);
	if (!statement) cache.set(source, (statement = ctx.sqlite.prepare(source).raw()));
	return statement;
}

function toEntry(row: TransferRow): TransferEntry {
	const [id, debitAccountId, creditAccountId, userAccountId, amount, code, holdId] = row;
	return {
		id,
		debitAccountId,
		creditAccountId,
		userAccountId,
		amount,
		code,
		holdId,
		idempotencyKey: row[7],
		requestHash: row[8],
		reference: row[9],
		reason: row[10],
		actor: row[11],
		balanceAfter: row[12],
		availableAfter: row[13],
		prevId: row[14],
		lotId: row[15],
		createdAt: new Date(row[16]),
		balanceDelta: balanceDeltaOf(code, holdId, amount, creditAccountId === userAccountId)
	};
}

function balanceDeltaOf(code: TransferCode, holdId: number | null, amount: number, into: boolean) {
	const { posted } = effectOf(ruleOf(code, holdId), amount);
	if (posted === 0) return 0;
	return into ? posted : -posted;
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
