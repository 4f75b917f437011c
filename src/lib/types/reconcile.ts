/** What reconciliation repaired, each through the handler of the webhook event that was missed. */
export const reconcileRepairKinds = ['credit', 'refund', 'dispute_opened', 'dispute_won'] as const;
export type ReconcileRepairKind = (typeof reconcileRepairKinds)[number];

/**
 * What reconciliation cannot repair and leaves for an admin: `amount_mismatch` a payment that does
 * not match its purchase's price (resolve it on the dashboard); `credit_without_payment` a credited
 * purchase Stripe has no paid session for; `unknown_purchase` a Stripe payment naming a purchase this
 * database does not have; `repair_failed` a repair the handler refused or left undone.
 */
export type ReconcileProblemCode =
	'amount_mismatch' | 'credit_without_payment' | 'unknown_purchase' | 'repair_failed';

export type ReconcileRepair = {
	kind: ReconcileRepairKind;
	purchaseId: string;
	stripeId: string;
};

export type ReconcileProblem = {
	code: ReconcileProblemCode;
	purchaseId: string | null;
	stripeId: string | null;
	message: string;
};

export type ReconcileSummary = {
	since: Date;
	dryRun: boolean;
	checked: {
		sessions: number;
		charges: number;
		refunds: number;
		disputes: number;
		purchases: number;
	};
	repairs: Record<ReconcileRepairKind, number>;
	/** With `dryRun`, the repairs it would make. */
	repaired: ReconcileRepair[];
	problems: ReconcileProblem[];
};
