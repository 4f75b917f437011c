import type Stripe from 'stripe';
import type { Db } from '../db';
import { markPurchase } from '../purchases';
import { fulfilCheckout, fulfilPaymentIntent, type FulfilResult } from './fulfil';
import { clawBackDispute, clawBackRefund, reinstateDispute } from './reversals';
import type { HandlerOutcome } from './webhook';

/** What each Stripe event type does to purchases and the ledger. */
export function handleStripeEvent(db: Db, event: Stripe.Event): HandlerOutcome {
	switch (event.type) {
		case 'checkout.session.completed':
		case 'checkout.session.async_payment_succeeded':
			return fromFulfilment(fulfilCheckout(db, event.data.object));
		case 'payment_intent.succeeded':
			return fromFulfilment(fulfilPaymentIntent(db, event.data.object));
		case 'checkout.session.async_payment_failed':
			return markFromSession(db, event.data.object, ['pending', 'processing'], 'failed', 'The delayed payment failed');
		case 'checkout.session.expired':
			return markFromSession(db, event.data.object, ['pending'], 'expired', 'The checkout session expired before payment');
		case 'payment_intent.payment_failed':
			return markFromMetadata(db, event.data.object.metadata, event.data.object.last_payment_error?.message ?? 'The payment failed');
		case 'charge.refunded':
			return clawBackRefund(db, event.data.object);
		case 'charge.dispute.created':
			return clawBackDispute(db, event.data.object);
		case 'charge.dispute.closed':
			return reinstateDispute(db, event.data.object);
		default:
			return { outcome: 'ignored', note: `${event.type} is not used by Credits` };
	}
}

function fromFulfilment(result: FulfilResult): HandlerOutcome {
	switch (result.status) {
		case 'credited':
		case 'already_credited':
		case 'processing':
		case 'not_paid':
			return { outcome: 'processed', note: result.status };
		case 'unknown_purchase':
			return { outcome: 'ignored', note: 'No purchase of Credits matches this payment' };
		case 'mismatch':
			return { outcome: 'rejected', note: result.reason };
	}
}

function markFromSession(db: Db, session: Stripe.Checkout.Session, from: Parameters<typeof markPurchase>[2], to: Parameters<typeof markPurchase>[3], reason: string): HandlerOutcome {
	const purchaseId = session.metadata?.purchase_id;
	if (!purchaseId) return { outcome: 'ignored', note: 'No purchase of Credits matches this session' };
	const moved = markPurchase(db, purchaseId, from, to, reason);
	return { outcome: 'processed', note: moved ? `purchase ${to}` : 'purchase already settled' };
}

function markFromMetadata(db: Db, metadata: Stripe.Metadata, reason: string): HandlerOutcome {
	const purchaseId = metadata.purchase_id;
	if (!purchaseId) return { outcome: 'ignored', note: 'No purchase of Credits matches this payment' };
	// A failed attempt on the hosted page can still be followed by a successful one, so only a delayed payment fails the purchase.
	const moved = markPurchase(db, purchaseId, ['processing'], 'failed', reason);
	return { outcome: 'processed', note: moved ? 'purchase failed' : 'purchase still open' };
}
