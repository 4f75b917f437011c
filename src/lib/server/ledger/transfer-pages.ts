import type { Transfer, TransferCode } from './schema';
import { effectOf, ruleOf } from './transfer-codes';

// A page of transfers as SQL both backends run (named @parameters; PostgreSQL's reads number them).

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

export const emptyPage: TransferPage = { items: [], nextCursor: null, newerCursor: null };

export type PageRequest = { limit: number; before: number | null; after: number | null };

/** The page size and cursors of a filter; a RangeError for a malformed cursor or both cursors. */
export function pageRequestOf(filter: TransferFilter): PageRequest {
	const limit = Math.min(Math.max(Math.trunc(filter.limit ?? 50), 1), 500);
	const before = filter.cursor ? parseCursor(filter.cursor) : null;
	const after = filter.newerCursor ? parseCursor(filter.newerCursor) : null;
	if (before !== null && after !== null)
		throw new RangeError('give a transfers cursor or a newer cursor, not both');
	return { limit, before, after };
}

/** The user's account, and where its history walk starts (see startQuery), unless a reference is given. */
export type HistoryStart = { accountId: number; start: number | null };

/**
 * The statement of one page, with its named parameters: each shape of filter is one statement. A user's
 * history is read through its prev_id chain (historyQuery), but by reference the index finds it faster.
 */
export function transferQuery(
	filter: TransferFilter,
	request: PageRequest,
	history?: HistoryStart
): { source: string; params: Record<string, unknown> } {
	const params: Record<string, unknown> = { limit: request.limit + 1 };
	const match = matchOf(filter, params);
	if (request.before !== null) {
		match.push('t.id < @before');
		params.before = request.before;
	}
	if (request.after !== null) params.after = request.after;
	if (history === undefined) return { source: scanQuery(match, request.after), params };
	params.account = history.accountId;
	if (filter.reference !== undefined) {
		match.push('t.user_account_id = @account');
		return { source: scanQuery(match, request.after), params };
	}
	params.start = history.start;
	return { source: historyQuery(match, request.after), params };
}

/** Whether transferQuery needs the walk's start (startQuery) for this filter. */
export const walksHistory = (filter: TransferFilter) =>
	filter.userId !== undefined && filter.reference === undefined;

/**
 * Where an account's walk starts: below the cursor when it is one of the account's transfers, else the
 * head. Answers the prev_id below @before, or no row.
 */
export const startQuery =
	'SELECT prev_id FROM transfers WHERE id = @before AND user_account_id = @account';

/** The page of the rows a transferQuery statement answered. */
export function pageOf(rows: TransferRow[], request: PageRequest): TransferPage {
	const items = rows.slice(0, request.limit).map(toEntry);
	const more = rows.length > request.limit;
	if (request.after !== null) {
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
		newerCursor: request.before !== null && items.length > 0 ? String(items[0].id) : null
	};
}

/** The filter as SQL conditions on `t`, with named parameters, so each shape is one statement. */
function matchOf(filter: TransferFilter, params: Record<string, unknown>): string[] {
	const match: string[] = [];
	if (filter.code !== undefined) {
		const codes = [filter.code].flat();
		codes.forEach((code, i) => (params[`code${i}`] = code));
		// Equalities, not IN: see the transfer CHECK in schema.ts.
		match.push(`(${codes.map((_, i) => `t.code = @code${i}`).join(' OR ') || 'FALSE'})`);
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

export type TransferRow = [
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

const all = (match: string[]) => (match.length > 0 ? match.join(' AND ') : 'TRUE');

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
		const hit = `CASE WHEN ${all(match)} THEN 1 ELSE 0 END`;
		return `WITH RECURSIVE chain(id, prev, hit, hits) AS (
			SELECT t.id, t.prev_id, ${hit}, ${hit} FROM transfers t WHERE t.id = @start
			UNION ALL
			SELECT t.id, t.prev_id, ${hit}, chain.hits + ${hit} FROM chain JOIN transfers t ON t.id = chain.prev
			WHERE chain.hits < @limit
		) SELECT ${transferColumns} FROM chain CROSS JOIN transfers t
		WHERE t.id = chain.id AND chain.hit = 1 AND t.user_account_id = @account ORDER BY chain.id DESC`;
	}
	return `WITH RECURSIVE chain(id, prev) AS (
			SELECT t.id, t.prev_id FROM transfers t WHERE t.id = @start AND t.id > @after
			UNION ALL
			SELECT t.id, t.prev_id FROM chain JOIN transfers t ON t.id = chain.prev WHERE t.id > @after
		) SELECT ${transferColumns} FROM chain CROSS JOIN transfers t
		WHERE t.id = chain.id AND ${all(match)} AND t.user_account_id = @account ORDER BY chain.id ASC LIMIT @limit`;
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
