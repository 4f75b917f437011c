/** Client-safe shapes of the admin dashboard. */
import type { DashboardDays } from '../dashboard-days';
import type { MismatchView, PurchaseStatus } from './purchases';

export type RevenueView = {
	currency: string;
	grossMinor: number;
	refundedMinor: number;
	netMinor: number;
};

export type CreditFiguresView = {
	sold: number;
	granted: number;
	spent: number;
	expired: number;
	/** net of credits reinstated after a won dispute */
	clawedBack: number;
	/** taken by admins' deductions */
	deducted: number;
	/** what users hold now: issued less everything that left */
	outstanding: number;
};

export type DisputeView = {
	id: string;
	email: string;
	packageId: string;
	amount: number;
	currency: string;
};

/** Days are UTC calendar days, `YYYY-MM-DD`. */
export type RevenueSeriesView = { currency: string; points: { day: string; grossMinor: number }[] };
export type CreditsDayView = { day: string; sold: number; spent: number };

export type DashboardView = {
	days: DashboardDays;
	revenue: RevenueView[];
	credits: CreditFiguresView;
	holds: { count: number; credits: number };
	statuses: { status: PurchaseStatus; count: number }[];
	disputes: DisputeView[];
	mismatches: MismatchView[];
	revenueByDay: RevenueSeriesView[];
	creditsByDay: CreditsDayView[];
};
