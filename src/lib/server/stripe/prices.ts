import { eq, notInArray } from 'drizzle-orm';
import type { Db } from '../db';
import { stripePrices, type StripePrice } from '../db/schema';
import type { SyncedPrice } from './sync';

/** Records the result of a sync: the price each package is sold at now. */
export function saveSyncedPrices(db: Db, prices: SyncedPrice[], now = new Date()) {
	db.transaction((tx) => {
		tx.delete(stripePrices)
			.where(
				notInArray(
					stripePrices.packageId,
					prices.map((price) => price.packageId)
				)
			)
			.run();
		for (const price of prices) {
			const row = { ...price, syncedAt: now };
			tx.insert(stripePrices)
				.values(row)
				.onConflictDoUpdate({ target: stripePrices.packageId, set: row })
				.run();
		}
	});
}

export function findSyncedPrice(db: Db, packageId: string): StripePrice | undefined {
	return db.select().from(stripePrices).where(eq(stripePrices.packageId, packageId)).get();
}
