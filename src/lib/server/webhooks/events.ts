import type { WebhookEventType } from '../../types';
import type { Purchase } from '../db/schema';
import type { PostedTransfer } from '../ledger';

export type OutboundEvent = { type: WebhookEventType; data: Record<string, unknown> };

/**
 * The event a transfer reports to every endpoint that takes its type, or null; `balance.low` depends
 * on each endpoint's threshold (lowBalanceEvent). `purchase` is the one the transfer references, if any.
 */
export function eventOf(transfer: PostedTransfer, purchase?: Purchase): OutboundEvent | null {
	switch (transfer.code) {
		case 'purchase':
			return purchaseEvent('purchase.completed', transfer, purchase);
		case 'refund':
			return purchaseEvent('purchase.refunded', transfer, purchase);
		case 'grant':
			return {
				type: 'credits.granted',
				data: {
					...userFigures(transfer),
					category: transfer.category,
					reason: transfer.reason,
					expires_at: transfer.expiresAt === null ? null : isoOf(transfer.expiresAt)
				}
			};
		case 'expire':
			if (transfer.holdId === null) return null;
			return { type: 'hold.expired', data: { hold_id: transfer.holdId, ...userFigures(transfer) } };
		default:
			return null;
	}
}

/** A crossing, not a level: only the debit that takes available credits from ≥ threshold to below it. */
export function lowBalanceEvent(transfer: PostedTransfer, threshold: number): OutboundEvent | null {
	if (transfer.availableBefore < threshold || transfer.available >= threshold) return null;
	return {
		type: 'balance.low',
		data: {
			user_id: transfer.userId,
			threshold,
			balance: transfer.balance,
			available: transfer.available,
			transfer_id: transfer.transferId,
			transfer_code: transfer.code
		}
	};
}

/** The body sent and signed: Standard Webhooks' `{type, timestamp, data}`. */
export function payloadOf(event: OutboundEvent, at: number): string {
	return JSON.stringify({ type: event.type, timestamp: isoOf(at), data: event.data });
}

/** Only purchases and refunds name a purchase in their event. */
export function namesPurchase(transfer: PostedTransfer) {
	return (
		(transfer.code === 'purchase' || transfer.code === 'refund') && transfer.reference !== null
	);
}

function purchaseEvent(
	type: 'purchase.completed' | 'purchase.refunded',
	transfer: PostedTransfer,
	purchase: Purchase | undefined
): OutboundEvent {
	const money =
		type === 'purchase.completed'
			? { amount_paid_minor: purchase?.amountMinor ?? null }
			: { amount_refunded_minor: purchase?.amountRefundedMinor ?? null };
	return {
		type,
		data: {
			purchase_id: transfer.reference,
			package_id: purchase?.packageId ?? null,
			...money,
			currency: purchase?.currency ?? null,
			...userFigures(transfer),
			...(type === 'purchase.refunded' && { debt: Math.max(0, -transfer.available) })
		}
	};
}

function userFigures(transfer: PostedTransfer) {
	return {
		user_id: transfer.userId,
		amount: transfer.amount,
		transfer_id: transfer.transferId,
		balance: transfer.balance,
		available: transfer.available
	};
}

function isoOf(ms: number) {
	return new Date(ms).toISOString();
}
