/** Client-safe shapes of the admin's tools: adjustments, bulk grants, packages, the audit log. */

export type AdjustmentKind = 'grant' | 'deduct';

/** The figures of a balance an adjustment changes. */
export type BalanceFigures = { balance: number; available: number; debt: number };

/** What an operation wrote (or, in a dry run, would write). */
export type WritesView = {
	balanceBefore: BalanceFigures;
	balanceAfter: BalanceFigures;
	transfers: {
		id: number;
		code: string;
		amount: number;
		/** + into the user's balance, − out of it */
		balanceDelta: number;
		balanceAfter: number;
		reason: string | null;
	}[];
	/** lots opened (`before` null) or drawn down */
	lots: {
		lotId: number;
		category: string;
		expiresAt: Date | null;
		before: number | null;
		after: number;
	}[];
};

export type AdjustmentOutcomeView =
	| { status: 'preview'; writes: WritesView }
	| { status: 'applied'; writes: WritesView; transferId: number }
	| { status: 'replayed'; transferId: number; balance: number }
	| { status: 'refused'; message: string; field?: 'amount' | 'expiresAt' };

export type BadLineView = { line: number; message: string };

export type BulkReportView = {
	users: number;
	granted: number;
	grantedCredits: number;
	/** rows this upload granted before (applying it again grants them nothing more) */
	alreadyGranted: number;
	unknownEmails: { line: number; email: string }[];
	malformed: BadLineView[];
	/** rows the ledger refused */
	refused: BadLineView[];
};

export type PackageDrift =
	| 'in_sync'
	| 'amount_differs'
	| 'credits_differ'
	| 'not_in_stripe'
	| 'not_in_catalogue'
	| 'inactive';

export type PackageRowView = {
	packageId: string;
	lookupKey: string;
	catalogue: { name: string; credits: number; unitAmount: number; currency: string } | null;
	/** the price the last sync recorded: what checkouts are made with */
	synced: {
		productId: string;
		priceId: string;
		unitAmount: number;
		currency: string;
		credits: number;
		syncedAt: Date;
	} | null;
	drift: PackageDrift;
};

export type AuditEntryView = {
	id: number;
	actorEmail: string;
	action: string;
	target: string | null;
	amount: number | null;
	reason: string | null;
	idempotencyKey: string | null;
	outcome: string;
	detail: string | null;
	createdAt: Date;
};
