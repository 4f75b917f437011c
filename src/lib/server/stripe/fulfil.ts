import { and, eq, inArray } from 'drizzle-orm';
import { packages } from '../../credits/packages';
import { requireLedgerOk } from '../app-ledger';
import type { Db } from '../db';
import { ledger, run, transaction, type Unit } from '../db/unit';
import { purchases, type Purchase, type PurchaseStatus } from '../db/schema';
import { findPurchase, findPurchaseOf, markPurchase } from '../purchases';
import {
	idOf,
	type ChargeFields,
	type CheckoutSessionFields,
	type PaymentIntentFields
} from './objects';
import { dayMs } from '../../time';

export type FulfilResult =
	| { status: 'credited' | 'already_credited'; purchaseId: string; credits: number }
	| { status: 'processing' | 'not_paid'; purchaseId: string }
	| { status: 'mismatch' | 'needs_review' | 'rejected'; purchaseId: string; reason: string }
	| { status: 'unknown_purchase' };

/** What a Checkout Session or a PaymentIntent says about a purchase's payment, and whose purchase it is. */
type PaymentEvidence = {
	metadata: Record<string, string> | null;
	column: 'checkoutSessionId' | 'paymentIntentId';
	stripeId: string | null;
	paid: boolean;
	awaitingPayment: boolean;
	amountMinor: number | null;
	currency: string | null;
	paymentIntentId: string | null;
};

export const creditedStates: PurchaseStatus[] = [
	'paid',
	'partially_refunded',
	'refunded',
	'disputed'
];
// A payment that did go through is credited even if the purchase was given up on meanwhile.
const creditableStates: PurchaseStatus[] = ['pending', 'processing', 'failed', 'expired'];

export function fulfilCheckout(db: Db, session: CheckoutSessionFields): Promise<FulfilResult> {
	return fulfil(db, {
		metadata: session.metadata,
		column: 'checkoutSessionId',
		stripeId: session.id,
		paid: session.status === 'complete' && session.payment_status === 'paid',
		awaitingPayment: session.status === 'complete' && session.payment_status === 'unpaid',
		amountMinor: session.amount_total,
		currency: session.currency,
		paymentIntentId: idOf(session.payment_intent)
	});
}

export function fulfilPaymentIntent(db: Db, intent: PaymentIntentFields): Promise<FulfilResult> {
	return fulfil(db, {
		metadata: intent.metadata,
		column: 'paymentIntentId',
		stripeId: intent.id,
		paid: intent.status === 'succeeded',
		awaitingPayment: intent.status === 'processing',
		amountMinor: intent.amount_received,
		currency: intent.currency,
		paymentIntentId: intent.id
	});
}

/** A charge proves its payment too: a refund or dispute of it may arrive before the payment events. */
export function fulfilCharge(db: Db, charge: ChargeFields): Promise<FulfilResult> {
	const paymentIntentId = idOf(charge.payment_intent);
	return fulfil(db, {
		metadata: charge.metadata,
		column: 'paymentIntentId',
		stripeId: paymentIntentId,
		paid: charge.status === 'succeeded',
		awaitingPayment: charge.status === 'pending',
		amountMinor: charge.amount_captured,
		currency: charge.currency,
		paymentIntentId
	});
}

// The purchase is read in the transaction that moves it, so it decides on what it changes.
function fulfil(db: Db, evidence: PaymentEvidence): Promise<FulfilResult> {
	return transaction(db, (tx) => fulfilPurchase(tx, evidence));
}

/**
 * Credits a paid purchase exactly once. A purchase whose payment did not match its price waits for
 * an admin (`resolveMismatch`): no later event credits it, whatever amount it carries.
 */
function* fulfilPurchase(tx: Db, evidence: PaymentEvidence): Unit<FulfilResult> {
	const purchase = yield* findPurchaseOf(
		tx,
		evidence.metadata,
		evidence.column,
		evidence.stripeId,
		{ forUpdate: true }
	);
	if (!purchase) return { status: 'unknown_purchase' };
	const purchaseId = purchase.id;
	const settled = settledResult(purchase);
	if (settled) return settled;
	if (!evidence.paid) {
		if (!evidence.awaitingPayment) return { status: 'not_paid', purchaseId };
		yield* markPurchase(tx, purchaseId, ['pending'], 'processing');
		return { status: 'processing', purchaseId };
	}
	if (evidence.amountMinor !== purchase.amountMinor || evidence.currency !== purchase.currency) {
		const reason = `Paid ${evidence.amountMinor ?? 'no amount'} ${evidence.currency ?? ''} but the purchase costs ${purchase.amountMinor} ${purchase.currency}`;
		yield* run(
			tx
				.update(purchases)
				.set({
					status: 'mismatch',
					failureReason: reason,
					amountPaidMinor: evidence.amountMinor,
					currencyPaid: evidence.currency,
					paymentIntentId: evidence.paymentIntentId ?? purchase.paymentIntentId,
					updatedAt: new Date()
				})
				.where(and(eq(purchases.id, purchaseId), inArray(purchases.status, creditableStates)))
		);
		return { status: 'mismatch', purchaseId, reason };
	}
	const credited = yield* creditPurchase(tx, purchase, {
		from: creditableStates,
		paymentIntentId: evidence.paymentIntentId,
		actor: 'system:stripe',
		reason: `Bought ${purchase.credits} credits`
	});
	if (credited) return { status: 'credited', purchaseId, credits: purchase.credits };
	return (
		settledResult((yield* findPurchase(tx, purchaseId))!) ?? {
			status: 'already_credited',
			purchaseId,
			credits: purchase.credits
		}
	);
}

/** The answer for a purchase no payment event can change any more, or null while it is still open. */
function settledResult(purchase: Purchase): FulfilResult | null {
	const { id: purchaseId, status, failureReason } = purchase;
	if (creditedStates.includes(status))
		return { status: 'already_credited', purchaseId, credits: purchase.credits };
	if (status === 'mismatch')
		return {
			status: 'needs_review',
			purchaseId,
			reason: failureReason ?? 'The payment did not match the price'
		};
	if (status === 'rejected')
		return { status: 'rejected', purchaseId, reason: failureReason ?? 'Rejected by an admin' };
	return null;
}

type Credit = {
	from: PurchaseStatus[];
	paymentIntentId: string | null;
	actor: string;
	reason: string;
};

/**
 * The purchase's move to `paid` and its ledger grant (keyed by the purchase id): run it in a
 * transaction so that they commit together, and any number of calls, in any order, credit once.
 * False when the purchase was not in a `from` state.
 */
export function* creditPurchase(tx: Db, purchase: Purchase, credit: Credit): Unit<boolean> {
	const now = new Date();
	const moved = yield* run(
		tx
			.update(purchases)
			.set({
				status: 'paid',
				paidAt: now,
				updatedAt: now,
				failureReason: null,
				paymentIntentId: credit.paymentIntentId ?? purchase.paymentIntentId
			})
			.where(and(eq(purchases.id, purchase.id), inArray(purchases.status, credit.from)))
	);
	if (moved === 0) return false;
	const granted = yield* ledger((l) =>
		l.grant({
			userId: purchase.userId,
			amount: purchase.credits,
			category: 'paid',
			code: 'purchase',
			expiresAt: lotExpiry(purchase.packageId, now),
			reason: credit.reason,
			actor: credit.actor,
			reference: purchase.id,
			idempotencyKey: `purchase:${purchase.id}`
		})
	);
	requireLedgerOk(granted, 'Ledger refused the purchase grant');
	return true;
}

function lotExpiry(packageId: string, now: Date): Date | undefined {
	const days = packages.find((pkg) => pkg.id === packageId)?.expiresInDays;
	return days ? new Date(now.getTime() + days * dayMs) : undefined;
}
