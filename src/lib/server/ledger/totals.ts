import { and, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/index';
import { isoDayOf, utcDayNumberOf } from '../db/day';
import type { Context } from './context';
import { transfers, type SystemAccountKind, type TransferCode } from './schema';

export type AccountCounters = {
	debitsPosted: number;
	creditsPosted: number;
	debitsPending: number;
	creditsPending: number;
};

export const systemTotalsQuery = `SELECT kind, debits_posted AS "debitsPosted", credits_posted AS "creditsPosted",
	debits_pending AS "debitsPending", credits_pending AS "creditsPending" FROM accounts WHERE user_id IS NULL`;

/** systemTotalsQuery's rows by kind. */
export function systemTotalsOf(
	rows: ({ kind: SystemAccountKind } & AccountCounters)[]
): Record<SystemAccountKind, AccountCounters> {
	return Object.fromEntries(rows.map(({ kind, ...counters }) => [kind, counters])) as Record<
		SystemAccountKind,
		AccountCounters
	>;
}

/** The system accounts' counters as stored: call rollUp() first for figures that include every transfer. */
export function systemTotals(ctx: Context): Record<SystemAccountKind, AccountCounters> {
	return systemTotalsOf(
		ctx.sqlite.prepare(systemTotalsQuery).all() as ({ kind: SystemAccountKind } & AccountCounters)[]
	);
}

export type DailyTotalsFilter = { codes: TransferCode[]; from: Date; to?: Date };
/** The credits moved by transfers of one code on one UTC day. */
export type DailyTotal = { day: string; code: TransferCode; amount: number };

/** Sums of transfer amounts per UTC day and code, oldest day first. */
export function dailyTotals(db: Db, filter: DailyTotalsFilter): DailyTotal[] {
	const day = utcDayNumberOf(transfers.createdAt);
	return db
		.select({ day, code: transfers.code, amount: sql<number>`sum(${transfers.amount})` })
		.from(transfers)
		.where(
			and(
				inArray(transfers.code, filter.codes),
				gte(transfers.createdAt, filter.from),
				filter.to ? lt(transfers.createdAt, filter.to) : undefined
			)
		)
		.groupBy(day, transfers.code)
		.orderBy(day, transfers.code)
		.all()
		.map((row) => ({ ...row, day: isoDayOf(row.day) }));
}
