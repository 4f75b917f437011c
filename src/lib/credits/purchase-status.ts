import type { PurchaseStatus } from '$lib/types';

export const purchaseStatusLabels: Record<PurchaseStatus, string> = {
	pending: 'Awaiting payment',
	processing: 'Payment processing',
	paid: 'Paid',
	failed: 'Failed',
	expired: 'Expired',
	mismatch: 'Under review',
	rejected: 'Declined after review',
	partially_refunded: 'Partly refunded',
	refunded: 'Refunded',
	disputed: 'Disputed'
};
