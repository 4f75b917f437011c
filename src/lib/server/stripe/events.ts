import type Stripe from 'stripe';
import type { z } from 'zod';
import type { Db } from '../db';
import { perform } from '../db/unit';
import { findPurchaseOf, markPurchase } from '../purchases';
import { fulfilCheckout, fulfilPaymentIntent, type FulfilResult } from './fulfil';
import {
	canceledPaymentFields,
	chargeFields,
	checkoutSessionFields,
	disputeFields,
	failedPaymentFields,
	idOf,
	paymentIntentFields,
	sessionMetadataFields,
	type ChargeFields,
	type FailedPaymentFields,
	type SessionMetadataFields
} from './objects';
import { keepReceipt } from './receipts';
import { applyDispute, applyRefund } from './reversals';
import { describeIssue, type HandlerOutcome, type VerifiedEvent } from './webhook';

type Handler = (db: Db, object: unknown, stripe: Stripe) => Promise<HandlerOutcome>;

/** A handler that runs only on an object with the fields it reads; any other object is malformed. */
function on<T>(
	fields: z.ZodType<T>,
	handle: (db: Db, object: T, stripe: Stripe) => Promise<HandlerOutcome>
): Handler {
	return async (db, object, stripe) => {
		const parsed = fields.safeParse(object);
		return parsed.success
			? handle(db, parsed.data, stripe)
			: { outcome: 'malformed', note: describeIssue(parsed.error, 'data.object') };
	};
}

// Each carries the dispute with its status at the time, which is all a purchase needs (see applyDispute).
const disputeEvents = [
	'charge.dispute.created',
	'charge.dispute.funds_withdrawn',
	'charge.dispute.closed',
	'charge.dispute.funds_reinstated'
];

/** What each Stripe event type does to purchases and the ledger. */
const handlers = new Map<string, Handler>([
	[
		'checkout.session.completed',
		on(checkoutSessionFields, async (db, session) =>
			fromFulfilment(await fulfilCheckout(db, session))
		)
	],
	[
		'checkout.session.async_payment_succeeded',
		on(checkoutSessionFields, async (db, session) =>
			fromFulfilment(await fulfilCheckout(db, session))
		)
	],
	[
		'payment_intent.succeeded',
		on(paymentIntentFields, async (db, intent) =>
			fromFulfilment(await fulfilPaymentIntent(db, intent))
		)
	],
	[
		'checkout.session.async_payment_failed',
		on(sessionMetadataFields, (db, session) =>
			markFromMetadata(
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
			markFromMetadata(
				db,
				session,
				['pending'],
				'expired',
				'The checkout session expired before payment'
			)
		)
	],
	// Checkout cancels the intent when its session expires; either event may arrive first.
	[
		'payment_intent.canceled',
		on(canceledPaymentFields, (db, intent) =>
			markFromMetadata(
				db,
				intent,
				['pending'],
				'expired',
				`The payment was canceled (${intent.cancellation_reason ?? 'no reason given'})`
			)
		)
	],
	['payment_intent.payment_failed', on(failedPaymentFields, markFailedPayment)],
	// Credits come from the payment events; a charge's own events only bring its receipt.
	['charge.succeeded', on(chargeFields, recordReceipt)],
	['charge.updated', on(chargeFields, recordReceipt)],
	['charge.refunded', on(chargeFields, applyRefund)],
	...disputeEvents.map((type) => [type, on(disputeFields, applyDispute)] as const)
]);

export async function handleStripeEvent(
	db: Db,
	stripe: Stripe,
	event: VerifiedEvent
): Promise<HandlerOutcome> {
	const handle = handlers.get(event.type);
	if (!handle) return { outcome: 'ignored', note: `${event.type} is not used by Credits` };
	return handle(db, event.data?.object, stripe);
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

/** Moves the purchase named in a session's or an intent's metadata. */
async function markFromMetadata(
	db: Db,
	{ metadata }: SessionMetadataFields,
	from: Parameters<typeof markPurchase>[2],
	to: Parameters<typeof markPurchase>[3],
	reason: string
): Promise<HandlerOutcome> {
	const purchaseId = metadata?.purchase_id;
	if (!purchaseId)
		return { outcome: 'ignored', note: 'No purchase of Credits matches this payment' };
	const moved = await perform(db, markPurchase(db, purchaseId, from, to, reason));
	return { outcome: 'processed', note: moved ? `purchase ${to}` : 'purchase already settled' };
}

async function recordReceipt(db: Db, charge: ChargeFields): Promise<HandlerOutcome> {
	const purchase = await perform(
		db,
		findPurchaseOf(db, charge.metadata, 'paymentIntentId', idOf(charge.payment_intent))
	);
	if (!purchase) return { outcome: 'ignored', note: 'No purchase of Credits matches this charge' };
	return (await keepReceipt(db, purchase.id, charge))
		? { outcome: 'processed', note: 'receipt URL recorded' }
		: { outcome: 'ignored', note: 'The charge has no http(s) receipt URL' };
}

async function markFailedPayment(db: Db, intent: FailedPaymentFields): Promise<HandlerOutcome> {
	const purchaseId = intent.metadata.purchase_id;
	if (!purchaseId)
		return { outcome: 'ignored', note: 'No purchase of Credits matches this payment' };
	// A failed attempt on the hosted page can still be followed by a successful one, so only a delayed payment fails the purchase.
	const moved = await perform(
		db,
		markPurchase(
			db,
			purchaseId,
			['processing'],
			'failed',
			intent.last_payment_error?.message ?? 'The payment failed'
		)
	);
	return { outcome: 'processed', note: moved ? 'purchase failed' : 'purchase still open' };
}
