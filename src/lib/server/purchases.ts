import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from './db';
import { purchases, type Purchase, type PurchaseStatus } from './db/schema';

export function findPurchase(db: Db, id: string): Purchase | undefined {
	return db.select().from(purchases).where(eq(purchases.id, id)).get();
}

export function findPurchaseBy(
	db: Db,
	column: 'checkoutSessionId' | 'paymentIntentId',
	value: string
): Purchase | undefined {
	return db.select().from(purchases).where(eq(purchases[column], value)).get();
}

export function listUserPurchases(db: Db, userId: string, limit = 20): Purchase[] {
	return db
		.select()
		.from(purchases)
		.where(eq(purchases.userId, userId))
		.orderBy(desc(purchases.createdAt))
		.limit(limit)
		.all();
}

/** Moves a purchase to `to` only from one of the `from` states; returns whether it moved. */
export function markPurchase(
	db: Db,
	id: string,
	from: PurchaseStatus[],
	to: PurchaseStatus,
	failureReason?: string
): boolean {
	const result = db
		.update(purchases)
		.set({ status: to, failureReason: failureReason ?? null, updatedAt: new Date() })
		.where(and(eq(purchases.id, id), inArray(purchases.status, from)))
		.run();
	return result.changes > 0;
}
