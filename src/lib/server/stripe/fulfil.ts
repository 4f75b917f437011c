import { and, eq, inArray } from 'drizzle-orm';
import type Stripe from 'stripe';
import { packages } from '../../credits/packages';
import { getLedgerFor, requireLedgerOk } from '../credits';
import type { Db } from '../db';
import { purchases, type Purchase, type PurchaseStatus } from '../db/schema';
import { findPurchase, findPurchaseBy, markPurchase } from '../purchases';

export type FulfilResult =
	| { status: 'credited' | 'already_credited'; purchaseId: string; credits: number }
	| { status: 'processing' | 'not_paid'; purchaseId: string }
	| { status: 'mismatch'; purchaseId: string; reason: string }
	| { status: 'unknown_purchase' };

/** What a Checkout Session or a PaymentIntent says about a purchase's payment. */
type PaymentEvidence = {
	purchase: Purchase | undefined;
	paid: boolean;
	awaitingPayment: boolean;
	amount: number | null;
	currency: string | null;
	paymentIntentId: string | null;
};

const creditedStates: PurchaseStatus[] = ['paid', 'partially_refunded', 'refunded', 'disputed'];
// A payment that did go through is credited even if the purchase was given up on meanwhile.
const creditableStates: PurchaseStatus[] = ['pending', 'processing', 'failed', 'expired'];

export function fulfilCheckout(db: Db, session: Stripe.Checkout.Session): FulfilResult {
	const purchaseId = session.metadata?.purchase_id;
	return fulfilPurchase(db, {
		purchase: purchaseId ? findPurchase(db, purchaseId) : findPurchaseBy(db, 'checkoutSessionId', session.id),
		paid: session.status === 'complete' && session.payment_status === 'paid',
		awaitingPayment: session.status === 'complete' && session.payment_status === 'unpaid',
		amount: session.amount_total,
		currency: session.currency,
		paymentIntentId: idOf(session.payment_intent)
	});
}

export function fulfilPaymentIntent(db: Db, intent: Stripe.PaymentIntent): FulfilResult {
	const purchaseId = intent.metadata.purchase_id;
	return fulfilPurchase(db, {
		purchase: purchaseId ? findPurchase(db, purchaseId) : findPurchaseBy(db, 'paymentIntentId', intent.id),
		paid: intent.status === 'succeeded',
		awaitingPayment: intent.status === 'processing',
		amount: intent.amount_received,
		currency: intent.currency,
		paymentIntentId: intent.id
	});
}

/**
 * Credits a paid purchase exactly once: the purchase's move to `paid` and the ledger grant (keyed by
 * the purchase id) commit together, so any number of calls, in any order, credit once.
 */
function fulfilPurchase(db: Db, evidence: PaymentEvidence): FulfilResult {
	const { purchase } = evidence;
	if (!purchase) return { status: 'unknown_purchase' };
	const purchaseId = purchase.id;
	if (creditedStates.includes(purchase.status)) return { status: 'already_credited', purchaseId, credits: purchase.credits };
	if (!evidence.paid) {
		if (!evidence.awaitingPayment) return { status: 'not_paid', purchaseId };
		markPurchase(db, purchaseId, ['pending'], 'processing');
		return { status: 'processing', purchaseId };
	}
	if (evidence.amount !== purchase.amount || evidence.currency !== purchase.currency) {
		const reason = `Paid ${evidence.amount ?? 'no amount'} ${evidence.currency ?? ''} but the purchase costs ${purchase.amount} ${purchase.currency}`;
		markPurchase(db, purchaseId, creditableStates, 'mismatch', reason);
		return { status: 'mismatch', purchaseId, reason };
	}

	const credited = db.$client
		.transaction(() => {
			const now = new Date();
			const moved = db
				.update(purchases)
				.set({ status: 'paid', paidAt: now, updatedAt: now, failureReason: null, paymentIntentId: evidence.paymentIntentId ?? purchase.paymentIntentId })
				.where(and(eq(purchases.id, purchaseId), inArray(purchases.status, creditableStates)))
				.run();
			if (moved.changes === 0) return false;
			const granted = getLedgerFor(db).grant({
				userId: purchase.userId,
				amount: purchase.credits,
				category: 'paid',
				code: 'purchase',
				expiresAt: lotExpiry(purchase.packageId, now),
				reason: `Bought ${purchase.credits} credits`,
				actor: 'system:stripe',
				reference: purchaseId,
				idempotencyKey: `purchase:${purchaseId}`
			});
			requireLedgerOk(granted, 'Ledger refused the purchase grant');
			return true;
		})
		.immediate();
	return { status: credited ? 'credited' : 'already_credited', purchaseId, credits: purchase.credits };
}

function lotExpiry(packageId: string, now: Date): Date | undefined {
	const days = packages.find((pkg) => pkg.id === packageId)?.expiresInDays;
	return days ? new Date(now.getTime() + days * 24 * 60 * 60 * 1000) : undefined;
}

export function idOf(value: string | { id: string } | null): string | null {
	return typeof value === 'string' ? value : (value?.id ?? null);
}
