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
