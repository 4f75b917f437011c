import { asc, eq } from 'drizzle-orm';
import type { MismatchView } from '../../types';
import type { Db } from '../db';
import { purchases, users } from '../db/schema';
import { findPurchase, markPurchase } from '../purchases';
import { creditPurchase } from '../stripe/fulfil';

/** Purchases whose payment did not match their price: nothing credits them until an admin decides. */
export function listMismatchedPurchases(db: Db, limit = 50): MismatchView[] {
	return db
		.select({
			id: purchases.id,
			email: users.email,
			packageId: purchases.packageId,
			credits: purchases.credits,
			amountMinor: purchases.amountMinor,
			currency: purchases.currency,
			amountPaidMinor: purchases.amountPaidMinor,
			currencyPaid: purchases.currencyPaid,
			failureReason: purchases.failureReason,
			createdAt: purchases.createdAt
		})
		.from(purchases)
		.innerJoin(users, eq(users.id, purchases.userId))
		.where(eq(purchases.status, 'mismatch'))
		.orderBy(asc(purchases.createdAt))
		.limit(limit)
		.all();
}

export type MismatchDecision = { decision: 'credit' | 'reject'; adminId: string; reason: string };
export type MismatchResolution =
	| { ok: true; status: 'paid' | 'rejected'; credits: number }
	| { ok: false; code: 'purchase_not_found' | 'not_in_review'; message: string };

/**
 * An admin's decision on a mismatched purchase. `credit` goes through the same transaction as a
 * paid checkout (so it credits once, however often it is sent); `reject` closes the purchase so
 * that no later payment event credits it.
 */
export function resolveMismatch(
	db: Db,
	purchaseId: string,
	{ decision, adminId, reason }: MismatchDecision
): MismatchResolution {
	const purchase = findPurchase(db, purchaseId);
	if (!purchase)
		return { ok: false, code: 'purchase_not_found', message: 'No purchase has that id.' };
	const resolved =
		purchase.status === 'mismatch' &&
		(decision === 'credit'
			? creditPurchase(db, purchase, {
					from: ['mismatch'],
					paymentIntentId: null,
					actor: `admin:${adminId}`,
					reason: `Bought ${purchase.credits} credits; credited after review: ${reason}`
				})
			: markPurchase(db, purchase.id, ['mismatch'], 'rejected', `Rejected by an admin: ${reason}`));
	if (!resolved) {
		const status = findPurchase(db, purchaseId)!.status;
		return {
			ok: false,
			code: 'not_in_review',
			message: `This purchase is no longer awaiting review (it is ${status}).`
		};
	}
	return decision === 'credit'
		? { ok: true, status: 'paid', credits: purchase.credits }
		: { ok: true, status: 'rejected', credits: 0 };
}
