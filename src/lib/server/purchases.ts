import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from './db';
import { first, run, type Read, type Unit } from './db/unit';
import type { PurchaseStatus, PurchaseView } from '../types';
import { purchases, type Purchase } from './db/schema';

export function* findPurchase(db: Db, id: string, read?: Read): Unit<Purchase | undefined> {
	return yield* first(db.select().from(purchases).where(eq(purchases.id, id)).limit(1), read);
}

type StripeIdColumn = 'checkoutSessionId' | 'paymentIntentId';

export function* findPurchaseBy(
	db: Db,
	column: StripeIdColumn,
	value: string,
	read?: Read
): Unit<Purchase | undefined> {
	return yield* first(
		db.select().from(purchases).where(eq(purchases[column], value)).limit(1),
		read
	);
}

/**
 * The purchase a Stripe object belongs to: the `purchase_id` Credits put in its metadata, or else the
 * purchase that recorded its Stripe id in `column` (objects made outside Checkout carry no metadata).
 */
export function* findPurchaseOf(
	db: Db,
	metadata: Record<string, string> | null,
	column: StripeIdColumn,
	stripeId: string | null,
	read?: Read
): Unit<Purchase | undefined> {
	if (metadata?.purchase_id) return yield* findPurchase(db, metadata.purchase_id, read);
	return stripeId ? yield* findPurchaseBy(db, column, stripeId, read) : undefined;
}

/** The buyer's newest purchases, with only what their purchase history shows. */
export async function listUserPurchases(
	db: Db,
	userId: string,
	limit = 20
): Promise<PurchaseView[]> {
	const rows = await db
		.select({
			id: purchases.id,
			packageId: purchases.packageId,
			credits: purchases.credits,
			amountMinor: purchases.amountMinor,
			currency: purchases.currency,
			status: purchases.status,
			receiptUrl: purchases.receiptUrl,
			createdAt: purchases.createdAt
		})
		.from(purchases)
		.where(eq(purchases.userId, userId))
		.orderBy(desc(purchases.createdAt))
		.limit(limit);
	return rows.map((row) => ({ ...row, receiptUrl: webUrlOrNull(row.receiptUrl) }));
}

// A page links to it: only a web address, never `javascript:` or the like, whatever was stored.
function webUrlOrNull(url: string | null) {
	return url && /^https?:\/\//i.test(url) ? url : null;
}

/** Moves a purchase to `to` only from one of the `from` states; returns whether it moved. */
export function* markPurchase(
	db: Db,
	id: string,
	from: PurchaseStatus[],
	to: PurchaseStatus,
	failureReason?: string
): Unit<boolean> {
	const changes = yield* run(
		db
			.update(purchases)
			.set({ status: to, failureReason: failureReason ?? null, updatedAt: new Date() })
			.where(and(eq(purchases.id, id), inArray(purchases.status, from)))
	);
	return changes > 0;
}
