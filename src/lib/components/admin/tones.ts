import type { BadgeTone } from '$lib/components/ui/badge';

/** Disputes and mismatches stand out: they need someone. */
const purchaseTones: Record<string, BadgeTone> = {
	paid: 'success',
	partially_refunded: 'info',
	refunded: 'info',
	mismatch: 'warning',
	disputed: 'danger',
	failed: 'danger',
	rejected: 'danger'
};
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

export const purchaseTone = (status: string) => purchaseTones[status] ?? 'neutral';
export const eventTone = (outcome: string) => eventTones[outcome] ?? 'neutral';
export const auditTone = (outcome: string) => auditTones[outcome] ?? 'neutral';
export const needsAttention = (status: string) => status === 'mismatch' || status === 'disputed';

/** `partially_refunded` → `partially refunded` */
export const labelOf = (code: string) => code.replaceAll('_', ' ');
