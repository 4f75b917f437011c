import { and, asc, count, eq, gt, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { holds, purchases, users } from '../db/schema';
import { getLedgerFor } from '../app-ledger';
import type { AccountCounters } from '../ledger';
import type { DashboardDays } from '../../dashboard-days';
import type { CreditFiguresView, DashboardView, DisputeView } from '../../types';
import { creditsByDay, revenueByDay, windowOf } from './dashboard-daily';
import { listMismatchedPurchases } from './purchases';

/** Money taken per currency, in minor units: every purchase that was paid, less what was refunded. */
export async function revenueByCurrency(db: Db) {
	const rows = await db
		.select({
			currency: purchases.currency,
			grossMinor: sql<number>`sum(${purchases.amountMinor})`,
			refundedMinor: sql<number>`sum(${purchases.amountRefundedMinor})`
		})
		.from(purchases)
		.where(isNotNull(purchases.paidAt))
		.groupBy(purchases.currency)
		.orderBy(purchases.currency);
	return rows.map((row) => ({ ...row, netMinor: row.grossMinor - row.refundedMinor }));
}

/** From the ledger's system accounts, rolled up first so the figures include the latest spends. */
export async function creditFigures(db: Db): Promise<CreditFiguresView> {
	const ledger = getLedgerFor(db);
	await ledger.rollUp();
	const totals = await ledger.systemTotals();
	const into = ({ creditsPosted, debitsPosted }: AccountCounters) => creditsPosted - debitsPosted;
	const figures = {
		sold: -into(totals.issued_purchase),
		granted: -into(totals.issued_grant),
		spent: into(totals.spent),
		expired: into(totals.expired),
		clawedBack: into(totals.clawed_back),
		deducted: into(totals.adjusted)
	};
	// Every transfer has a user on one side, so what users hold is what the system accounts gave out.
	const outstanding = -Object.values(totals).reduce((sum, account) => sum + into(account), 0);
	return { ...figures, outstanding };
}

export async function activeHolds(db: Db, now = new Date()) {
	const [figures] = await db
		.select({ count: count(), credits: sql<number>`coalesce(sum(${holds.amount}), 0)` })
		.from(holds)
		.where(and(eq(holds.status, 'pending'), gt(holds.expiresAt, now)));
	return figures;
}

export async function purchasesByStatus(db: Db) {
	return await db
		.select({ status: purchases.status, count: count() })
		.from(purchases)
		.groupBy(purchases.status)
		.orderBy(purchases.status);
}

export async function listDisputedPurchases(db: Db, limit = 50): Promise<DisputeView[]> {
	return await db
		.select({
			id: purchases.id,
			email: users.email,
			packageId: purchases.packageId,
			amount: purchases.amountMinor,
			currency: purchases.currency
		})
		.from(purchases)
		.innerJoin(users, eq(users.id, purchases.userId))
		.where(eq(purchases.status, 'disputed'))
		.orderBy(asc(purchases.updatedAt))
		.limit(limit);
}

/** Everything the dashboard shows, over the last `days` UTC days for the charts. */
export async function loadDashboard(
	db: Db,
	days: DashboardDays,
	now = new Date()
): Promise<DashboardView> {
	const window = windowOf(days, now);
	return {
		days,
		revenue: await revenueByCurrency(db),
		credits: await creditFigures(db),
		holds: await activeHolds(db, now),
		statuses: await purchasesByStatus(db),
		disputes: await listDisputedPurchases(db),
		mismatches: await listMismatchedPurchases(db),
		revenueByDay: await revenueByDay(db, window),
		creditsByDay: await creditsByDay(db, window)
	};
}
