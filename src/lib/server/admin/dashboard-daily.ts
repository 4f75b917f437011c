import { and, gte, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { isoDayOf, utcDayNumberOf } from '../db/day';
import { purchases } from '../db/schema';
import { getLedgerFor } from '../app-ledger';
import { dayMs } from '../ledger/time';
import type { DashboardDays } from '../../dashboard-days';

/** The UTC days a chart covers, oldest first, ending today. */
export type DayWindow = { from: Date; days: string[] };

export function windowOf(length: DashboardDays, now: Date): DayWindow {
	const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
	const from = today - (length - 1) * dayMs;
	const days = Array.from({ length }, (_, n) =>
		new Date(from + n * dayMs).toISOString().slice(0, 10)
	);
	return { from: new Date(from), days };
}

/** Money taken per day, one series per currency sold in the window (days without sales are 0). */
export async function revenueByDay(db: Db, window: DayWindow) {
	const day = utcDayNumberOf(purchases.paidAt);
	const rows = await db
		.select({
			day,
			currency: purchases.currency,
			grossMinor: sql<number>`sum(${purchases.amountMinor})`
		})
		.from(purchases)
		.where(and(isNotNull(purchases.paidAt), gte(purchases.paidAt, window.from)))
		.groupBy(day, purchases.currency);
	const currencies = [...new Set(rows.map((row) => row.currency))].sort();
	return currencies.map((currency) => {
		const byDay = new Map(
			rows
				.filter((row) => row.currency === currency)
				.map((row) => [isoDayOf(row.day), row.grossMinor])
		);
		return {
			currency,
			points: window.days.map((day) => ({ day, grossMinor: byDay.get(day) ?? 0 }))
		};
	});
}

/** Credits bought and credits spent per day; a captured hold counts as spent on the day it is captured. */
export async function creditsByDay(db: Db, window: DayWindow) {
	const totals = await getLedgerFor(db).dailyTotals({
		codes: ['purchase', 'spend', 'capture'],
		from: window.from
	});
	const points = new Map(window.days.map((day) => [day, { day, sold: 0, spent: 0 }]));
	for (const { day, code, amount } of totals) {
		const point = points.get(day);
		// A transfer dated after today (a clock set ahead) has no bar to go in.
		if (!point) continue;
		if (code === 'purchase') point.sold += amount;
		else point.spent += amount;
	}
	return [...points.values()];
}
