/** Client-safe shapes of what the server sends to pages: only the fields the components show. */

export const purchaseStatuses = [
	'pending',
	'paid',
	'processing',
	'failed',
	'expired',
	'mismatch',
	'rejected',
	'partially_refunded',
	'refunded',
	'disputed'
] as const;
export type PurchaseStatus = (typeof purchaseStatuses)[number];

export type AccountView = { email: string; role: 'user' | 'admin' };

/** A buyer's own purchase in their history. */
export type PurchaseView = {
	id: string;
	packageId: string;
	credits: number;
	amountMinor: number;
	currency: string;
	status: PurchaseStatus;
	/** Stripe's receipt page, once Stripe gave one */
	receiptUrl: string | null;
	createdAt: Date;
};

/** A purchase whose payment did not match its price, as the admin reviewing it sees it. */
export type MismatchView = {
	id: string;
	email: string;
	packageId: string;
	credits: number;
	amountMinor: number;
	currency: string;
	amountPaidMinor: number | null;
	currencyPaid: string | null;
	failureReason: string | null;
	createdAt: Date;
};

/** A purchase on the admin's purchase page. */
export type PurchaseFactsView = {
	packageId: string;
	credits: number;
	amountMinor: number;
	amountRefundedMinor: number;
	currency: string;
	status: PurchaseStatus;
	failureReason: string | null;
	createdAt: Date;
	paidAt: Date | null;
	checkoutSessionId: string | null;
	paymentIntentId: string | null;
	chargeId: string | null;
};

/** A ledger transfer in a purchase's story. */
export type RefundView = {
	id: string;
	amount: number;
	currency: string;
	/** Stripe's status: pending, succeeded, failed, canceled, requires_action */
	status: string;
	createdAt: Date;
	/** whether `charge.refunded` has arrived for it, so its credits are taken back */
	clawedBack: boolean;
};

/** A refund the admin asked for; `replayed` when the form's key had asked before. */
export type RefundDoneView = {
	refund: Pick<RefundView, 'id' | 'amount' | 'currency'>;
	replayed: boolean;
};
