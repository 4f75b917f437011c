import { and, eq, isNull } from 'drizzle-orm';
import type Stripe from 'stripe';
import { requireLedgerOk, type Ledger } from '../app-ledger';
import type { Db } from '../db';
import { ledger, perform, run, transaction, type Unit } from '../db/unit';
import { purchases, type DisputeStatus, type Purchase, type PurchaseStatus } from '../db/schema';
import { findPurchase, findPurchaseOf } from '../purchases';
import { fulfilCharge, fulfilPaymentIntent } from './fulfil';
import { idOf, type ChargeFields, type DisputeFields, type PaymentIntentFields } from './objects';
import { keepReceipt } from './receipts';
import type { HandlerOutcome } from './webhook';

/*
 * Stripe delivers a purchase's events in any order, and a retry can be hours away. So a refund or a
 * dispute never waits for the payment events: it proves the payment, so it credits the purchase
 * first (the same fulfilment), then takes back what it covers. Each step is a guarded transaction
 * that reads the purchase it moves, so a duplicate, or another event's step in between, changes nothing twice.
 */

/** `charge.refunded`: credits the purchase if need be, then takes back what the refunds cover. */
export async function applyRefund(
	db: Db,
	charge: ChargeFields,
	stripe: Stripe
): Promise<HandlerOutcome> {
	const intent = await intentBehind(db, stripe, charge);
	const purchaseId = await creditFirst(db, charge, intent, 'refund');
	if (typeof purchaseId !== 'string') return purchaseId;
	const credits = await takeBackRefunds(db, purchaseId, charge);
	return {
		outcome: 'processed',
		note: credits === null ? 'refund already applied' : `clawed back ${credits} credits`
	};
}

/**
 * Every dispute event (`created`, `funds_withdrawn`, `closed`, `funds_reinstated`) moves the purchase
 * to the dispute's status as the event gives it, never back: `open` takes back the credits refunds have
 * not, `won` gives them back, `lost` leaves them taken. Opening asks Stripe for the charge, so refunds
 * made before the dispute (whose events may still be on the way) are taken first, as refunds.
 */
export async function applyDispute(
	db: Db,
	dispute: DisputeFields,
	stripe: Stripe
): Promise<HandlerOutcome> {
	const target = disputeStatusOf(dispute.status);
	const known = await perform(
		db,
		findPurchaseOf(db, dispute.metadata, 'paymentIntentId', idOf(dispute.payment_intent))
	);
	if (known && !movesForward(known.disputeStatus, target))
		return { outcome: 'processed', note: 'dispute already applied' };

	const purchaseId = known?.disputeStatus ? known.id : await creditForDispute(db, dispute, stripe);
	if (typeof purchaseId !== 'string') return purchaseId;
	const notes: string[] = [];
	const opened = await openDispute(db, purchaseId, dispute);
	if (opened !== null) notes.push(`clawed back ${opened} credits`);
	if (target !== 'open') {
		const credits = await closeDispute(db, purchaseId, dispute, target);
		if (credits !== null)
			notes.push(target === 'won' ? `reinstated ${credits} credits` : 'lost: credits stay taken');
	}
	return { outcome: 'processed', note: notes.join('; ') || 'dispute already applied' };
}

/** The disputed charge's purchase, credited and with the charge's refunds taken back, as Stripe has them now. */
async function creditForDispute(
	db: Db,
	dispute: DisputeFields,
	stripe: Stripe
): Promise<string | HandlerOutcome> {
	const charge: ChargeFields = await stripe.charges.retrieve(idOf(dispute.charge));
	const intent = await intentBehind(db, stripe, charge);
	const purchaseId = await creditFirst(db, charge, intent, 'dispute');
	if (typeof purchaseId === 'string') await takeBackRefunds(db, purchaseId, charge);
	return purchaseId;
}

/**
 * The payment intent to credit from when the charge does not lead to its purchase (no `purchase_id`
 * in its metadata, and the purchase has not recorded the intent yet): Stripe's, asked for now.
 */
async function intentBehind(
	db: Db,
	stripe: Stripe,
	charge: ChargeFields
): Promise<PaymentIntentFields | null> {
	const intentId = idOf(charge.payment_intent);
	if (charge.metadata.purchase_id || !intentId) return null;
	if (await perform(db, findPurchaseOf(db, charge.metadata, 'paymentIntentId', intentId)))
		return null;
	return stripe.paymentIntents.retrieve(intentId);
}

/** The id of the credited purchase a reversal of the charge applies to, or the outcome when there is none. */
async function creditFirst(
	db: Db,
	charge: ChargeFields,
	intent: PaymentIntentFields | null,
	what: 'refund' | 'dispute'
): Promise<string | HandlerOutcome> {
	const result = await (intent ? fulfilPaymentIntent(db, intent) : fulfilCharge(db, charge));
	switch (result.status) {
		case 'credited':
		case 'already_credited':
			await keepReceipt(db, result.purchaseId, charge);
			return result.purchaseId;
		case 'unknown_purchase':
			return { outcome: 'ignored', note: `No purchase of Credits matches this ${what}` };
		case 'processing':
		case 'not_paid':
			// Only a succeeded charge can be refunded or disputed: Stripe's answer is not settled yet, so retry.
			throw new Error(
				`A ${what} arrived for purchase ${result.purchaseId} before Stripe reported its payment succeeded`
			);
		case 'mismatch':
		case 'needs_review':
		case 'rejected':
			return {
				outcome: 'ignored',
				note: `Purchase ${result.purchaseId} was never credited (${result.status}): nothing to take back`
			};
	}
}

/** Credits bought with `refundedMinor` of the purchase's money: all of them once it is fully refunded. */
function creditsCoveredBy(purchase: Purchase, refundedMinor: number): number {
	if (refundedMinor >= purchase.amountMinor) return purchase.credits;
	return Math.floor((purchase.credits * refundedMinor) / purchase.amountMinor);
}

function statusAfterRefunds(purchase: Purchase, refundedMinor: number): PurchaseStatus {
	if (refundedMinor >= purchase.amountMinor) return 'refunded';
	return refundedMinor > 0 ? 'partially_refunded' : 'paid';
}

/**
 * Takes back the credits the charge's cumulative refunds cover beyond those taken already (none while
 * an open or lost dispute holds them all); null when the refunds were already applied.
 */
function takeBackRefunds(db: Db, purchaseId: string, charge: ChargeFields): Promise<number | null> {
	return transaction(db, function* (tx) {
		const purchase = (yield* findPurchase(tx, purchaseId, { forUpdate: true }))!;
		const before = purchase.amountRefundedMinor;
		const refunded = charge.amount_refunded;
		if (refunded <= before) return null;
		const held = purchase.status === 'disputed';
		const credits = held
			? 0
			: creditsCoveredBy(purchase, refunded) - creditsCoveredBy(purchase, before);
		const moved = yield* run(
			tx
				.update(purchases)
				.set({
					amountRefundedMinor: refunded,
					chargeId: charge.id,
					status: held ? 'disputed' : statusAfterRefunds(purchase, refunded),
					updatedAt: new Date()
				})
				.where(and(eq(purchases.id, purchase.id), eq(purchases.amountRefundedMinor, before)))
		);
		if (moved === 0) return null;
		if (credits > 0)
			requireLedgerOk(
				yield* ledger((l) =>
					l.clawback({
						userId: purchase.userId,
						amount: credits,
						code: 'refund',
						fromLotReference: purchase.id,
						reason: `Refund of ${refunded - before} ${charge.currency} on ${charge.id}`,
						actor: 'system:stripe',
						reference: purchase.id,
						idempotencyKey: `refund:${charge.id}:${refunded}`
					})
				),
				'Ledger refused'
			);
		return credits;
	});
}

/** Stripe's dispute statuses as far as credits go: an inquiry closed without a chargeback is won too. */
export function disputeStatusOf(status: string): DisputeStatus {
	if (status === 'won' || status === 'warning_closed') return 'won';
	return status === 'lost' ? 'lost' : 'open';
}

function movesForward(from: DisputeStatus | null, to: DisputeStatus): boolean {
	return from === null || (from === 'open' && to !== 'open');
}

/** Takes back the credits the refunds have not; null when the dispute was already opened. */
function openDispute(db: Db, purchaseId: string, dispute: DisputeFields): Promise<number | null> {
	return transaction(db, function* (tx) {
		const purchase = (yield* findPurchase(tx, purchaseId, { forUpdate: true }))!;
		const credits = purchase.credits - creditsCoveredBy(purchase, purchase.amountRefundedMinor);
		const moved = yield* moveDispute(tx, purchase.id, [null, 'open'], 'disputed', credits, (l) =>
			l.clawback({
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
		return moved ? credits : null;
	});
}

/**
 * A won dispute gives back what it took (the credits refunds have not covered); a lost one keeps it.
 * Null unless the dispute was open.
 */
function closeDispute(
	db: Db,
	purchaseId: string,
	dispute: DisputeFields,
	outcome: 'won' | 'lost'
): Promise<number | null> {
	return transaction(db, function* (tx) {
		if (outcome === 'lost')
			return (yield* moveDispute(tx, purchaseId, ['open', 'lost'], 'disputed')) ? 0 : null;
		const purchase = (yield* findPurchase(tx, purchaseId, { forUpdate: true }))!;
		const credits = purchase.credits - creditsCoveredBy(purchase, purchase.amountRefundedMinor);
		const restored = statusAfterRefunds(purchase, purchase.amountRefundedMinor);
		const moved = yield* moveDispute(tx, purchase.id, ['open', 'won'], restored, credits, (l) =>
			l.grant({
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
		return moved ? credits : null;
	});
}

type LedgerWrite = (ledger: Ledger) => Parameters<typeof requireLedgerOk>[0];

/**
 * Moves the dispute (`[from, to]`) and the purchase's status, and writes the ledger transfer of
 * `credits` if any; false when the dispute had already moved. Run it in a transaction.
 */
function* moveDispute(
	tx: Db,
	purchaseId: string,
	[from, to]: [DisputeStatus | null, DisputeStatus],
	status: PurchaseStatus,
	credits = 0,
	write?: LedgerWrite
): Unit<boolean> {
	const moved = yield* run(
		tx
			.update(purchases)
			.set({ disputeStatus: to, status, updatedAt: new Date() })
			.where(
				and(
					eq(purchases.id, purchaseId),
					from === null ? isNull(purchases.disputeStatus) : eq(purchases.disputeStatus, from)
				)
			)
	);
	if (moved === 0) return false;
	if (credits > 0 && write) requireLedgerOk(yield* ledger(write), 'Ledger refused');
	return true;
}
