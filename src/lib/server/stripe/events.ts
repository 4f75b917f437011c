import type { z } from 'zod';
import type { Db } from '../db';
import { markPurchase } from '../purchases';
import { fulfilCheckout, fulfilPaymentIntent, type FulfilResult } from './fulfil';
import {
	chargeFields,
	checkoutSessionFields,
	disputeFields,
	failedPaymentFields,
	paymentIntentFields,
	sessionMetadataFields,
	type FailedPaymentFields,
	type SessionMetadataFields
} from './objects';
import { clawBackDispute, clawBackRefund, reinstateDispute } from './reversals';
import { describeIssue, type HandlerOutcome, type VerifiedEvent } from './webhook';

type Handler = (db: Db, object: unknown) => HandlerOutcome;

/** A handler that runs only on an object with the fields it reads; any other object is malformed. */
function on<T>(fields: z.ZodType<T>, handle: (db: Db, object: T) => HandlerOutcome): Handler {
	return (db, object) => {
		const parsed = fields.safeParse(object);
		return parsed.success
			? handle(db, parsed.data)
			: { outcome: 'malformed', note: describeIssue(parsed.error, 'data.object') };
	};
}

/** What each Stripe event type does to purchases and the ledger. */
const handlers = new Map<string, Handler>([
	[
		'checkout.session.completed',
		on(checkoutSessionFields, (db, session) => fromFulfilment(fulfilCheckout(db, session)))
	],
	[
		'checkout.session.async_payment_succeeded',
		on(checkoutSessionFields, (db, session) => fromFulfilment(fulfilCheckout(db, session)))
	],
	[
		'payment_intent.succeeded',
		on(paymentIntentFields, (db, intent) => fromFulfilment(fulfilPaymentIntent(db, intent)))
	],
	[
		'checkout.session.async_payment_failed',
		on(sessionMetadataFields, (db, session) =>
			markFromSession(
				db,
				session,
				['pending', 'processing'],
				'failed',
				'The delayed payment failed'
			)
		)
	],
	[
		'checkout.session.expired',
		on(sessionMetadataFields, (db, session) =>
			markFromSession(
				db,
				session,
				['pending'],
				'expired',
				'The checkout session expired before payment'
			)
		)
	],
	['payment_intent.payment_failed', on(failedPaymentFields, markFailedPayment)],
	['charge.refunded', on(chargeFields, clawBackRefund)],
	['charge.dispute.created', on(disputeFields, clawBackDispute)],
	['charge.dispute.closed', on(disputeFields, reinstateDispute)]
]);

export function handleStripeEvent(db: Db, event: VerifiedEvent): HandlerOutcome {
	const handle = handlers.get(event.type);
	if (!handle) return { outcome: 'ignored', note: `${event.type} is not used by Credits` };
	return handle(db, event.data?.object);
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
		case 'needs_review':
			return {
				outcome: 'rejected',
				note: `needs_review: purchase ${result.purchaseId} awaits an admin's decision (${result.reason}); no credits added`
			};
		case 'rejected':
			return {
				outcome: 'rejected',
				note: `purchase ${result.purchaseId} was rejected by an admin (${result.reason}); no credits added`
			};
	}
}

function markFromSession(
	db: Db,
	session: SessionMetadataFields,
	from: Parameters<typeof markPurchase>[2],
	to: Parameters<typeof markPurchase>[3],
	reason: string
): HandlerOutcome {
	const purchaseId = session.metadata?.purchase_id;
	if (!purchaseId)
		return { outcome: 'ignored', note: 'No purchase of Credits matches this session' };
	const moved = markPurchase(db, purchaseId, from, to, reason);
	return { outcome: 'processed', note: moved ? `purchase ${to}` : 'purchase already settled' };
}

function markFailedPayment(db: Db, intent: FailedPaymentFields): HandlerOutcome {
	const purchaseId = intent.metadata.purchase_id;
	if (!purchaseId)
		return { outcome: 'ignored', note: 'No purchase of Credits matches this payment' };
	// A failed attempt on the hosted page can still be followed by a successful one, so only a delayed payment fails the purchase.
	const moved = markPurchase(
		db,
		purchaseId,
		['processing'],
		'failed',
		intent.last_payment_error?.message ?? 'The payment failed'
	);
	return { outcome: 'processed', note: moved ? 'purchase failed' : 'purchase still open' };
}
