import { and, eq } from 'drizzle-orm';
import { getLedgerFor, requireLedgerOk } from '../app-ledger';
import type { Db } from '../db';
import { purchases, type Purchase, type PurchaseStatus } from '../db/schema';
import { findPurchaseOf, markPurchase } from '../purchases';
import { creditedStates } from './fulfil';
import { idOf, type ChargeFields, type DisputeFields } from './objects';
import type { HandlerOutcome } from './webhook';

const settledStates: PurchaseStatus[] = ['paid', 'partially_refunded'];

/** Credits bought with `refundedMinor` of the purchase's money: all of them once it is fully refunded. */
function creditsCoveredBy(purchase: Purchase, refundedMinor: number): number {
	if (refundedMinor >= purchase.amountMinor) return purchase.credits;
	return Math.floor((purchase.credits * refundedMinor) / purchase.amountMinor);
}

/** The credited purchase a refund or dispute takes credits back from, or the outcome when there is none. */
function reversibleOf(
	db: Db,
	object: ChargeFields | DisputeFields,
	what: 'refund' | 'dispute'
): Purchase | HandlerOutcome {
	const purchase = findPurchaseOf(
		db,
		object.metadata,
		'paymentIntentId',
		idOf(object.payment_intent)
	);
	if (!purchase) return { outcome: 'ignored', note: `No purchase of Credits matches this ${what}` };
	// Thrown so the webhook answers 500 and Stripe retries once the payment events have been handled.
	if (purchase.status === 'pending' || purchase.status === 'processing')
		throw new Error(`A ${what} arrived before purchase ${purchase.id} was credited`);
	if (!creditedStates.includes(purchase.status))
		return {
			outcome: 'ignored',
			note: `Purchase ${purchase.id} was never credited (${purchase.status}): nothing to take back`
		};
	return purchase;
}

/** `charge.refunded`: takes back credits in proportion to the increase of the cumulative refunded amount. */
export function clawBackRefund(db: Db, charge: ChargeFields): HandlerOutcome {
	const purchase = reversibleOf(db, charge, 'refund');
	if ('outcome' in purchase) return purchase;
	if (charge.amount_refunded <= purchase.amountRefundedMinor)
		return { outcome: 'processed', note: 'refund already applied' };

	const credits =
		creditsCoveredBy(purchase, charge.amount_refunded) -
		creditsCoveredBy(purchase, purchase.amountRefundedMinor);
	const fully = charge.amount_refunded >= purchase.amountMinor;
	db.$client
		.transaction(() => {
			db.update(purchases)
				.set({
					amountRefundedMinor: charge.amount_refunded,
					chargeId: charge.id,
					status:
						purchase.status === 'disputed' ? 'disputed' : fully ? 'refunded' : 'partially_refunded',
					updatedAt: new Date()
				})
				.where(
					and(
						eq(purchases.id, purchase.id),
						eq(purchases.amountRefundedMinor, purchase.amountRefundedMinor)
					)
				)
				.run();
			if (credits > 0) {
				requireLedgerOk(
					getLedgerFor(db).clawback({
						userId: purchase.userId,
						amount: credits,
						code: 'refund',
						fromLotReference: purchase.id,
						reason: `Refund of ${charge.amount_refunded - purchase.amountRefundedMinor} ${charge.currency} on ${charge.id}`,
						actor: 'system:stripe',
						reference: purchase.id,
						idempotencyKey: `refund:${charge.id}:${charge.amount_refunded}`
					}),
					'Ledger refused'
				);
			}
		})
		.immediate();
	return { outcome: 'processed', note: `clawed back ${credits} credits` };
}

/** `charge.dispute.created`: takes back the credits the disputed payment bought (those not refunded already). */
export function clawBackDispute(db: Db, dispute: DisputeFields): HandlerOutcome {
	const purchase = reversibleOf(db, dispute, 'dispute');
	if ('outcome' in purchase) return purchase;
	const credits = purchase.credits - creditsCoveredBy(purchase, purchase.amountRefundedMinor);
	const applied = moveWithCredits(db, purchase.id, settledStates, 'disputed', credits, () =>
		getLedgerFor(db).clawback({
			userId: purchase.userId,
			amount: credits,
			code: 'dispute',
			fromLotReference: purchase.id,
			reason: `Dispute ${dispute.id} opened (${dispute.reason})`,
			actor: 'system:stripe',
			reference: purchase.id,
			idempotencyKey: `dispute:${dispute.id}`
		})
	);
	return {
		outcome: 'processed',
		note: applied ? `clawed back ${credits} credits` : 'dispute already applied'
	};
}

/** `charge.dispute.closed`: a won dispute gives the credits back; a lost one leaves them taken. */
export function reinstateDispute(db: Db, dispute: DisputeFields): HandlerOutcome {
	const purchase = reversibleOf(db, dispute, 'dispute');
	if ('outcome' in purchase) return purchase;
	if (dispute.status !== 'won')
		return { outcome: 'processed', note: `dispute ${dispute.status}: credits stay clawed back` };
	const credits = purchase.credits - creditsCoveredBy(purchase, purchase.amountRefundedMinor);
	const restored: PurchaseStatus = purchase.amountRefundedMinor > 0 ? 'partially_refunded' : 'paid';
	const applied = moveWithCredits(db, purchase.id, ['disputed'], restored, credits, () =>
		getLedgerFor(db).grant({
			userId: purchase.userId,
			amount: credits,
			category: 'paid',
			code: 'reinstate',
			reason: `Dispute ${dispute.id} won`,
			actor: 'system:stripe',
			reference: purchase.id,
			idempotencyKey: `dispute-won:${dispute.id}`
		})
	);
	return {
		outcome: 'processed',
		note: applied ? `reinstated ${credits} credits` : 'dispute already closed'
	};
}

type LedgerWrite = () => Parameters<typeof requireLedgerOk>[0];

/** Moves the purchase's status and writes its ledger transfer in one transaction; false when the status had already moved. */
function moveWithCredits(
	db: Db,
	purchaseId: string,
	from: PurchaseStatus[],
	to: PurchaseStatus,
	credits: number,
	write: LedgerWrite
): boolean {
	return db.$client
		.transaction(() => {
			if (!markPurchase(db, purchaseId, from, to)) return false;
			if (credits > 0) requireLedgerOk(write(), 'Ledger refused');
			return true;
		})
		.immediate();
}
