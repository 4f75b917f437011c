import { and, asc, desc, eq, gte, lt, or, type SQL } from 'drizzle-orm';
import type { MismatchView } from '../../types';
import { getLedgerFor } from '../app-ledger';
import type { Db } from '../db';
import { perform, type Unit } from '../db/unit';
import { purchases, stripeEvents, users, type PurchaseStatus } from '../db/schema';
import { findPurchase, markPurchase } from '../purchases';
import { creditPurchase } from '../stripe/fulfil';
import { olderThan, pageOf, parseCursor } from './cursor';
import { toLedgerRow } from './user-detail';

export type PurchaseFilter = {
	status?: PurchaseStatus;
	packageId?: string;
	email?: string;
	/** created at or after */
	from?: Date;
	/** created before */
	to?: Date;
	/** nextCursor of the previous page */
	before?: string;
	limit?: number;
};

/** Newest first, keyset-paginated on (created at, id). */
export async function listPurchases(db: Db, filter: PurchaseFilter = {}) {
	const limit = Math.min(Math.max(filter.limit ?? 50, 1), 200);
	const cursor = parseCursor(filter.before);
	const conditions: SQL[] = [];
	if (filter.status) conditions.push(eq(purchases.status, filter.status));
	if (filter.packageId) conditions.push(eq(purchases.packageId, filter.packageId));
	if (filter.email) conditions.push(eq(users.email, filter.email.toLowerCase()));
	if (filter.from) conditions.push(gte(purchases.createdAt, filter.from));
	if (filter.to) conditions.push(lt(purchases.createdAt, filter.to));
	if (cursor) conditions.push(olderThan(purchases.createdAt, purchases.id, cursor));
	const rows = await db
		.select({
			id: purchases.id,
			email: users.email,
			userId: purchases.userId,
			packageId: purchases.packageId,
			credits: purchases.credits,
			amount: purchases.amountMinor,
			amountRefundedMinor: purchases.amountRefundedMinor,
			currency: purchases.currency,
			status: purchases.status,
			createdAt: purchases.createdAt
		})
		.from(purchases)
		.innerJoin(users, eq(users.id, purchases.userId))
		.where(and(...conditions))
		.orderBy(desc(purchases.createdAt), desc(purchases.id))
		.limit(limit + 1);
	return pageOf(rows, limit);
}

/** Everything known here about one purchase: the row, its buyer, its webhook events and its ledger transfers. */
export async function purchaseStory(db: Db, purchaseId: string) {
	const purchase = await perform(db, findPurchase(db, purchaseId));
	if (!purchase) return null;
	const [buyer] = await db
		.select({ id: users.id, email: users.email })
		.from(users)
		.where(eq(users.id, purchase.userId))
		.limit(1);
	const linked = [eq(stripeEvents.purchaseId, purchase.id)];
	if (purchase.paymentIntentId)
		linked.push(eq(stripeEvents.paymentIntentId, purchase.paymentIntentId));
	const events = await db
		.select({
			id: stripeEvents.id,
			type: stripeEvents.type,
			outcome: stripeEvents.outcome,
			error: stripeEvents.error,
			createdAt: stripeEvents.createdAt
		})
		.from(stripeEvents)
		.where(or(...linked))
		.orderBy(asc(stripeEvents.createdAt), asc(stripeEvents.id))
		.limit(200);
	const { items } = await getLedgerFor(db).transfers({ reference: purchase.id, limit: 200 });
	const transfers = items.map(toLedgerRow);
	return { purchase, buyer, events, transfers };
}

/** Purchases whose payment did not match their price: nothing credits them until an admin decides. */
export function listMismatchedPurchases(db: Db, limit = 50): Promise<MismatchView[]> {
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
		.limit(limit);
}

export type MismatchDecision = { decision: 'credit' | 'reject'; adminId: string; reason: string };
export type MismatchResolution =
	| { ok: true; status: 'paid' | 'rejected'; credits: number }
	| { ok: false; code: 'purchase_not_found' | 'not_in_review'; message: string };

/**
 * An admin's decision on a mismatched purchase. `credit` goes through the same transaction as a
 * paid checkout (so it credits once, however often it is sent); `reject` closes the purchase so
 * that no later payment event credits it. Run it in a transaction.
 */
export function* resolveMismatch(
	db: Db,
	purchaseId: string,
	{ decision, adminId, reason }: MismatchDecision
): Unit<MismatchResolution> {
	const purchase = yield* findPurchase(db, purchaseId, { forUpdate: true });
	if (!purchase)
		return { ok: false, code: 'purchase_not_found', message: 'No purchase has that id.' };
	const resolved =
		purchase.status === 'mismatch' &&
		(decision === 'credit'
			? yield* creditPurchase(db, purchase, {
					from: ['mismatch'],
					paymentIntentId: null,
					actor: `admin:${adminId}`,
					reason: `Bought ${purchase.credits} credits; credited after review: ${reason}`
				})
			: yield* markPurchase(
					db,
					purchase.id,
					['mismatch'],
					'rejected',
					`Rejected by an admin: ${reason}`
				));
	if (!resolved) {
		const status = (yield* findPurchase(db, purchaseId))!.status;
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
