import type Stripe from 'stripe';
import type { CreditPackage } from '../../credits/catalogue';
import { formatMoney } from '../../format';

export type SyncedPrice = {
	packageId: string;
	productId: string;
	priceId: string;
	unitAmount: number;
	currency: string;
	credits: number;
};
export type SyncResult = { changes: string[]; prices: SyncedPrice[] };

export const lookupKeyOf = (packageId: string) => `credits_${packageId}`;
const productIdOf = lookupKeyOf;
const productPrefix = 'credits_';

/**
 * Brings Stripe's Products and Prices in line with the catalogue: one Product and one active Price
 * (found by lookup key) per active package; everything else archived. With `dryRun`, only plans.
 */
export async function syncPackages(
	stripe: Stripe,
	packages: CreditPackage[],
	{ dryRun = false } = {}
): Promise<SyncResult> {
	const changes: string[] = [];
	const prices: SyncedPrice[] = [];
	const plan = (change: string) => changes.push(dryRun ? `would ${change}` : change);
	const active = packages.filter((pkg) => pkg.active);

	for (const pkg of active) {
		const product = await syncProduct(stripe, pkg, plan, dryRun);
		const price = await syncPrice(stripe, pkg, product, plan, dryRun);
		if (price)
			prices.push({
				packageId: pkg.id,
				productId: product,
				priceId: price,
				unitAmount: pkg.unitAmount,
				currency: pkg.currency,
				credits: pkg.credits
			});
	}
	await archiveRemoved(stripe, new Set(active.map((pkg) => productIdOf(pkg.id))), plan, dryRun);
	return { changes, prices };
}

type Plan = (change: string) => void;

async function syncProduct(
	stripe: Stripe,
	pkg: CreditPackage,
	plan: Plan,
	dryRun: boolean
): Promise<string> {
	const id = productIdOf(pkg.id);
	const wanted = { name: pkg.name, description: pkg.description, metadata: { package_id: pkg.id } };
	const existing = await retrieveProduct(stripe, id);
	if (!existing) {
		plan(`create product ${id} (${pkg.name})`);
		if (!dryRun)
			await stripe.products.create({ id, ...wanted }, { idempotencyKey: `sync-product-${id}` });
	} else if (
		!existing.active ||
		existing.name !== wanted.name ||
		existing.description !== wanted.description
	) {
		plan(`update product ${id} (${pkg.name})`);
		if (!dryRun) await stripe.products.update(id, { ...wanted, active: true });
	}
	return id;
}

async function syncPrice(
	stripe: Stripe,
	pkg: CreditPackage,
	product: string,
	plan: Plan,
	dryRun: boolean
) {
	const lookupKey = lookupKeyOf(pkg.id);
	const { data } = await stripe.prices.list({ lookup_keys: [lookupKey], limit: 1 });
	const current = data[0];
	const label = `${formatMoney(pkg.unitAmount, pkg.currency)} for ${pkg.credits} credits`;
	if (current && matches(current, pkg, product)) {
		if (current.active) return current.id;
		plan(`reactivate price ${current.id} of ${pkg.id} (${label})`);
		if (!dryRun) await stripe.prices.update(current.id, { active: true });
		return current.id;
	}
	plan(
		current
			? `replace price ${current.id} of ${pkg.id} with ${label}`
			: `create price for ${pkg.id} (${label})`
	);
	if (dryRun) return current?.id;
	const created = await stripe.prices.create(
		{
			product,
			unit_amount: pkg.unitAmount,
			currency: pkg.currency,
			lookup_key: lookupKey,
			transfer_lookup_key: Boolean(current),
			metadata: { credits: String(pkg.credits), package_id: pkg.id }
		},
		// The replaced price is part of the key so that changing an amount back and forth still creates a price.
		{
			idempotencyKey: `sync-price-${pkg.id}-${pkg.unitAmount}-${pkg.currency}-${pkg.credits}-${current?.id ?? 'first'}`
		}
	);
	if (current?.active) await stripe.prices.update(current.id, { active: false });
	return created.id;
}

function matches(price: Stripe.Price, pkg: CreditPackage, product: string) {
	const priceProduct = typeof price.product === 'string' ? price.product : price.product.id;
	return (
		price.unit_amount === pkg.unitAmount &&
		price.currency === pkg.currency &&
		price.metadata.credits === String(pkg.credits) &&
		priceProduct === product
	);
}

async function archiveRemoved(stripe: Stripe, keep: Set<string>, plan: Plan, dryRun: boolean) {
	for await (const product of stripe.products.list({ limit: 100 })) {
		if (!product.active || !product.id.startsWith(productPrefix) || keep.has(product.id)) continue;
		plan(`archive product ${product.id} and its prices`);
		if (dryRun) continue;
		for await (const price of stripe.prices.list({
			product: product.id,
			active: true,
			limit: 100
		})) {
			await stripe.prices.update(price.id, { active: false });
		}
		await stripe.products.update(product.id, { active: false });
	}
}

async function retrieveProduct(stripe: Stripe, id: string): Promise<Stripe.Product | undefined> {
	try {
		return await stripe.products.retrieve(id);
	} catch (error) {
		if ((error as { code?: string }).code === 'resource_missing') return undefined;
		throw error;
	}
}
