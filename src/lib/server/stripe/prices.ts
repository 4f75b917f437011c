import { and, eq } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import { getConfig, type Config } from '../config';
import type { Db } from '../db';
import { run, transaction } from '../db/unit';
import { stripePrices, type StripePrice } from '../db/schema';
import type { SyncedPrice } from './sync';

/**
 * Which Stripe a price id belongs to: the API's origin and the secret key's mode and digest (a Stripe
 * key does not say which account it is, so a new key re-syncs). The emulator's random demo key is left
 * out: it changes on every start while the emulator behind the URL stays the same.
 */
export function stripeAccountOf(config: Pick<Config, 'STRIPE_SECRET_KEY' | 'stripeApiUrl'>) {
	const api = new URL(config.stripeApiUrl ?? 'https://api.stripe.com').origin;
	const key = config.STRIPE_SECRET_KEY;
	if (!key) return `${api} emulator`;
	const mode = key.includes('_live_') ? 'live' : 'test';
	return `${api} ${mode} ${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}

/** Records the result of a sync against `account`: the price each package is sold at now, and no other. */
export function saveSyncedPrices(
	db: Db,
	prices: SyncedPrice[],
	account = stripeAccountOf(getConfig()),
	now = new Date()
): Promise<void> {
	return transaction(db, function* (tx) {
		yield* run(tx.delete(stripePrices));
		for (const price of prices)
			yield* run(
				tx.insert(stripePrices).values({ ...price, stripeAccount: account, syncedAt: now })
			);
	});
}

/** The package's price, only if it was synced against the Stripe in use: another account has no such price. */
export async function findSyncedPrice(
	db: Db,
	packageId: string,
	account = stripeAccountOf(getConfig())
): Promise<StripePrice | undefined> {
	const [price] = await db
		.select()
		.from(stripePrices)
		.where(and(eq(stripePrices.packageId, packageId), eq(stripePrices.stripeAccount, account)))
		.limit(1);
	return price;
}
