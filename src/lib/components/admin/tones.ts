import type { BadgeTone } from '$lib/components/ui/badge';
import { purchaseStatusTones } from '$lib/credits/purchase-status';
import type { PurchaseStatus } from '$lib/types';

const eventTones: Record<string, BadgeTone> = {
	processed: 'success',
	processing: 'info',
	rejected: 'warning',
	failed: 'danger'
};
const auditTones: Record<string, BadgeTone> = {
	ok: 'success',
	refused: 'warning',
	failed: 'danger'
};

export const purchaseTone = (status: string) =>
	purchaseStatusTones[status as PurchaseStatus] ?? 'neutral';
export const eventTone = (outcome: string) => eventTones[outcome] ?? 'neutral';
export const auditTone = (outcome: string) => auditTones[outcome] ?? 'neutral';
export const needsAttention = (status: string) => status === 'mismatch' || status === 'disputed';

/** `partially_refunded` → `partially refunded` */
export const labelOf = (code: string) => code.replaceAll('_', ' ');
