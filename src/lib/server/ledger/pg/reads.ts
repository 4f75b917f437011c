import { and, desc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { isoDayOf, utcDayNumberOf } from '../../db/day';
import { parseInteger } from '../../db/pg/index';
import type { AsyncLedger } from '../async';
import { debtOf } from '../accounts';
import type { BalanceSummary } from '../reads';
import type { Hold, Lot, SystemAccountKind, TransferCode } from '../schema';
import { expiringSoonMs } from '../time';
import {
	systemTotalsOf,
	systemTotalsQuery,
	type AccountCounters,
	type DailyTotal,
	type DailyTotalsFilter
} from '../totals';
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
} from '../transfer-pages';
import type { PgContext } from './context';
import { accounts, holds, transfers } from './schema';
import { verifyPgLedger } from './verify';

type Reads = Pick<
	AsyncLedger,
	| 'systemTotals'
	| 'dailyTotals'
	| 'balance'
	| 'transfers'
	| 'lots'
	| 'holds'
	| 'findHold'
	| 'verify'
>;

/** The reads of ledger/index.ts on PostgreSQL: the same results, field for field (times as Dates). */
export function readOperations(ctx: PgContext): Reads {
	return {
		systemTotals: async () =>
			systemTotalsOf(
				(await ctx.pool.query<{ kind: SystemAccountKind } & AccountCounters>(systemTotalsQuery))
					.rows
			),
		dailyTotals: (filter) => dailyTotals(ctx, filter),
		balance: (userId) => readBalance(ctx, userId),
		transfers: (filter) => listTransfers(ctx, filter),
		lots: (userId, options) => listLots(ctx, userId, options),
		holds: (userId, options) => listHolds(ctx, userId, options),
		findHold: (holdId) => findHold(ctx, holdId),
		verify: () => verifyPgLedger(ctx.pool)
	};
}

const balanceQuery = `SELECT a.credits_posted - a.debits_posted AS balance, a.debits_pending AS "onHold",
	coalesce(a.next_expiry_at <= $2, false) AS due, (SELECT coalesce(sum(remaining - held), 0) FROM lots_now
		WHERE account_id = a.id AND remaining > held AND expires_at > $2 AND expires_at <= $3) AS "expiringSoon"
	FROM accounts a WHERE a.user_id = $1`;

// The account row is locked first, as every write does, so a spend meanwhile cannot expire the same lots.
const expireIfDue = `WITH locked AS (SELECT id FROM accounts WHERE user_id = $1 FOR UPDATE)
	SELECT ledger_expire_if_due(id, $2) FROM locked`;

/** As SQLite's readBalance: what is due expires first (a short write), so a balance never shows expired credits. */
async function readBalance(ctx: PgContext, userId: string): Promise<BalanceSummary> {
	const now = ctx.now();
	const read = async () =>
		(
			await ctx.pool.query<{ balance: number; onHold: number; due: boolean; expiringSoon: number }>(
				balanceQuery,
				[userId, now, now + expiringSoonMs]
			)
		).rows[0];
	let account = await read();
	if (!account) return { balance: 0, available: 0, onHold: 0, expiringSoon: 0, debt: 0 };
	if (account.due) {
		await ctx.pool.query(expireIfDue, [userId, now]);
		account = await read();
	}
	const available = account.balance - account.onHold;
	return {
		balance: account.balance,
		available,
		onHold: account.onHold,
		expiringSoon: account.expiringSoon,
		debt: debtOf(available)
	};
}

/** As SQLite's listTransfers, through the same statements (transfer-pages.ts) with numbered parameters. */
async function listTransfers(ctx: PgContext, filter: TransferFilter = {}): Promise<TransferPage> {
	const request = pageRequestOf(filter);
	let history: HistoryStart | undefined;
	if (filter.userId !== undefined) {
		const { rows } = await ctx.pool.query<{ id: number; start: number | null }>(
			'SELECT id, last_transfer_id AS start FROM accounts WHERE user_id = $1',
			[filter.userId]
		);
		if (rows.length === 0) return emptyPage;
		history = { accountId: rows[0].id, start: rows[0].start };
		if (walksHistory(filter) && request.before !== null) {
			const below = await arrays<[prevId: number | null]>(ctx, startQuery, {
				before: request.before,
				account: history.accountId
			});
			if (below.length > 0) history.start = below[0][0];
		}
	}
	const { source, params } = transferQuery(filter, request, history);
	return pageOf(await arrays<TransferRow>(ctx, source, params), request);
}

/** Runs a statement with named @parameters, numbering them as PostgreSQL's; rows come back as arrays. */
async function arrays<Row extends unknown[]>(
	ctx: PgContext,
	source: string,
	params: Record<string, unknown>
): Promise<Row[]> {
	const names: string[] = [];
	const text = source.replace(/@(\w+)/g, (_, name: string) => {
		const index = names.includes(name) ? names.indexOf(name) : names.push(name) - 1;
		return `$${index + 1}`;
	});
	const values = names.map((name) => params[name]);
	return (await ctx.pool.query<Row>({ text, values, rowMode: 'array' })).rows;
}

type LotRow = [
	id: number,
	accountId: number,
	transferId: number,
	category: Lot['category'],
	amount: number,
	remaining: number,
	held: number,
	debtPaid: number,
	expiresAt: number | null,
	createdAt: number,
	code: TransferCode,
	reference: string | null
];

/** As SQLite's listLots: oldest first, from lots_now, with the code and reference of the opening transfer. */
async function listLots(ctx: PgContext, userId: string, options: { open?: boolean } = {}) {
	const { rows } = await ctx.pool.query<LotRow>({
		text: `SELECT l.id, l.account_id, l.transfer_id, l.category, l.amount, l.remaining, l.held, l.debt_paid,
			l.expires_at, l.created_at, t.code, t.reference FROM lots_now l
			JOIN accounts a ON a.id = l.account_id JOIN transfers t ON t.id = l.transfer_id
			WHERE a.user_id = $1 ${options.open ? 'AND l.remaining > l.held' : ''} ORDER BY l.id`,
		values: [userId],
		rowMode: 'array'
	});
	return rows.map(
		([
			id,
			accountId,
			transferId,
			category,
			amount,
			remaining,
			held,
			debtPaid,
			expiresAt,
			...rest
		]) => {
			const [createdAt, code, reference] = rest;
			const lot: Lot = {
				id,
				accountId,
				transferId,
				category,
				amount,
				remaining,
				held,
				debtPaid,
				expiresAt: dateOf(expiresAt),
				createdAt: new Date(createdAt)
			};
			return { ...lot, code, reference };
		}
	);
}

async function listHolds(
	ctx: PgContext,
	userId: string,
	options: { pending?: boolean } = {}
): Promise<Hold[]> {
	const rows = await ctx.db
		.select({ hold: holds })
		.from(holds)
		.innerJoin(accounts, eq(accounts.id, holds.accountId))
		.where(
			and(eq(accounts.userId, userId), options.pending ? eq(holds.status, 'pending') : undefined)
		)
		.orderBy(desc(holds.id));
	return rows.map((row) => holdOf(row.hold));
}

async function findHold(
	ctx: PgContext,
	holdId: number
): Promise<(Hold & { userId: string }) | undefined> {
	const [row] = await ctx.db
		.select({ hold: holds, userId: accounts.userId })
		.from(holds)
		.innerJoin(accounts, eq(accounts.id, holds.accountId))
		.where(eq(holds.id, holdId));
	return row && { ...holdOf(row.hold), userId: row.userId! };
}

function holdOf(hold: typeof holds.$inferSelect): Hold {
	return {
		...hold,
		expiresAt: new Date(hold.expiresAt),
		createdAt: new Date(hold.createdAt),
		resolvedAt: dateOf(hold.resolvedAt)
	};
}

const dateOf = (ms: number | null) => (ms === null ? null : new Date(ms));

/** As totals.ts: sums per UTC day and code, oldest day first; codes in byte order, whatever the collation. */
async function dailyTotals(ctx: PgContext, filter: DailyTotalsFilter): Promise<DailyTotal[]> {
	// drizzle's node-postgres session reads with pg's global type parsers, not the pool's (db/pg):
	// int8 and numeric expressions would come back as strings without mapWith.
	const day = utcDayNumberOf(sql`${transfers.createdAt}`).mapWith(parseInteger);
	const rows = await ctx.db
		.select({
			day,
			code: transfers.code,
			amount: sql<number>`sum(${transfers.amount})`.mapWith(parseInteger)
		})
		.from(transfers)
		.where(
			and(
				inArray(transfers.code, filter.codes),
				gte(transfers.createdAt, filter.from.getTime()),
				filter.to ? lt(transfers.createdAt, filter.to.getTime()) : undefined
			)
		)
		.groupBy(day, transfers.code)
		.orderBy(day, sql`${transfers.code} COLLATE "C"`);
	return rows.map((row) => ({ ...row, day: isoDayOf(row.day) }));
}
