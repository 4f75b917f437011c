import type { PurchaseStatus } from '$lib/types';
import type { BadgeTone } from '$lib/components/ui/badge';

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

/** Money that came back, or is contested, stands out from a plain paid purchase. */
export const purchaseStatusTones: Partial<Record<PurchaseStatus, BadgeTone>> = {
	paid: 'success',
	processing: 'info',
	partially_refunded: 'info',
	refunded: 'info',
	mismatch: 'warning',
	disputed: 'danger',
	failed: 'danger',
	rejected: 'danger'
};
