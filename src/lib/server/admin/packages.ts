import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { CreditPackage } from '../../credits/catalogue';
import type { Db } from '../db';
import { perform } from '../db/unit';
import { stripePrices, type StripePrice } from '../db/schema';
import { describeStripeError } from '../stripe/client';
import { getConfig } from '../config';
import { saveSyncedPrices, stripeAccountOf } from '../stripe/prices';
import { lookupKeyOf, syncPackages } from '../stripe/sync';
import type { PackageDrift, PackageRowView } from '../../types';
import { recordAudit, type Actor } from './audit';

/** The catalogue beside the prices the last sync recorded, one row per package either side knows. */
export async function listPackages(
	db: Db,
	catalogue: CreditPackage[],
	account = stripeAccountOf(getConfig())
): Promise<PackageRowView[]> {
	// Prices synced against another Stripe cannot be sold here, so they count as not in Stripe.
	const prices = await db
		.select()
		.from(stripePrices)
		.where(eq(stripePrices.stripeAccount, account));
	const synced = new Map(prices.map((price) => [price.packageId, price]));
	const rows = catalogue.map((pkg) => row(pkg.id, pkg, synced.get(pkg.id) ?? null));
	for (const price of synced.values())
		if (!catalogue.some((pkg) => pkg.id === price.packageId))
			rows.push(row(price.packageId, null, price));
	return rows;
}

function row(
	packageId: string,
	pkg: CreditPackage | null,
	synced: StripePrice | null
): PackageRowView {
	return {
		packageId,
		lookupKey: lookupKeyOf(packageId),
		catalogue: pkg && {
			name: pkg.name,
			credits: pkg.credits,
			unitAmount: pkg.unitAmount,
			currency: pkg.currency
		},
		synced: synced && {
			productId: synced.productId,
			priceId: synced.priceId,
			unitAmount: synced.unitAmount,
			currency: synced.currency,
			credits: synced.credits,
			syncedAt: synced.syncedAt
		},
		drift: driftOf(pkg, synced)
	};
}

function driftOf(pkg: CreditPackage | null, synced: StripePrice | null): PackageDrift {
	if (!pkg?.active) return synced ? 'not_in_catalogue' : 'inactive';
	if (!synced) return 'not_in_stripe';
	if (synced.unitAmount !== pkg.unitAmount || synced.currency !== pkg.currency)
		return 'amount_differs';
	if (synced.credits !== pkg.credits) return 'credits_differ';
	return 'in_sync';
}

export type SyncOutcome =
	{ ok: true; applied: boolean; changes: string[] } | { ok: false; message: string };

/** What `npm run stripe:sync --dry-run` prints: the changes a sync would make, making none. */
export async function previewSync(
	stripe: Stripe,
	catalogue: CreditPackage[]
): Promise<SyncOutcome> {
	try {
		const { changes } = await syncPackages(stripe, catalogue, { dryRun: true });
		return { ok: true, applied: false, changes };
	} catch (error) {
		return { ok: false, message: describeStripeError(error) };
	}
}

/** `npm run stripe:sync`: brings Stripe in line, records the prices checkouts use, and logs it. */
export async function applySync(
	db: Db,
	stripe: Stripe,
	actor: Actor,
	catalogue: CreditPackage[]
): Promise<SyncOutcome> {
	try {
		const { changes, prices } = await syncPackages(stripe, catalogue);
		await saveSyncedPrices(db, prices);
		await perform(
			db,
			recordAudit(db, actor, {
				action: 'sync',
				outcome: 'ok',
				target: 'packages',
				amount: prices.length,
				detail: changes.length === 0 ? 'Stripe was up to date' : changes.join('; ')
			})
		);
		return { ok: true, applied: true, changes };
	} catch (error) {
		const message = describeStripeError(error);
		await perform(
			db,
			recordAudit(db, actor, {
				action: 'sync',
				outcome: 'failed',
				target: 'packages',
				detail: message
			})
		);
		return { ok: false, message };
	}
}
