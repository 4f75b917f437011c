import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreditPackage } from '../../credits/catalogue';
import { startStripe, type Harness } from '../../../../tests/integration/stripe-harness';
import { lookupKeyOf, syncPackages } from './sync';

const pkg = (id: string, unitAmount: number, credits = 100): CreditPackage => ({
	id,
	name: id[0].toUpperCase() + id.slice(1),
	credits,
	unitAmount,
	currency: 'usd',
	description: `${credits} credits`,
	popular: false,
	active: true
});

let harness: Harness;
beforeAll(async () => {
	harness = await startStripe();
});
afterAll(() => harness.emulator.close());

describe('syncPackages', () => {
	it('creates products and prices, then finds nothing to do', async () => {
		const { stripe } = harness;
		const catalogue = [pkg('basic', 999), pkg('standard', 3999, 500)];
		const first = await syncPackages(stripe, catalogue);
		expect(first.changes).toEqual([
			'create product credits_basic (Basic)',
			'create price for basic ($9.99 for 100 credits)',
			'create product credits_standard (Standard)',
			'create price for standard ($39.99 for 500 credits)'
		]);
		const price = await stripe.prices.retrieve(first.prices[1].priceId);
		expect(price).toMatchObject({
			lookup_key: 'credits_standard',
			unit_amount: 3999,
			currency: 'usd',
			active: true,
			product: 'credits_standard'
		});
		expect(price.metadata.credits).toBe('500');

		const second = await syncPackages(stripe, catalogue);
		expect(second.changes).toEqual([]);
		expect(second.prices).toEqual(first.prices);
	});

	it('previews a change with --dry-run without touching Stripe', async () => {
		const { stripe } = harness;
		const plan = await syncPackages(stripe, [pkg('basic', 1299), pkg('standard', 3999, 500)], {
			dryRun: true
		});
		expect(plan.changes[0]).toMatch(
			/^would replace price price_\w+ of basic with \$12\.99 for 100 credits$/
		);
		const { data } = await stripe.prices.list({ lookup_keys: [lookupKeyOf('basic')] });
		expect(data[0].unit_amount).toBe(999);
	});

	it('rotates the lookup key to a new price when the amount changes and archives the old one', async () => {
		const { stripe } = harness;
		const before = (await stripe.prices.list({ lookup_keys: ['credits_basic'] })).data[0];
		const result = await syncPackages(stripe, [pkg('basic', 1299), pkg('standard', 3999, 500)]);
		expect(result.changes).toEqual([
			`replace price ${before.id} of basic with $12.99 for 100 credits`
		]);
		const now = (await stripe.prices.list({ lookup_keys: ['credits_basic'] })).data[0];
		expect(now.id).not.toBe(before.id);
		expect(now.unit_amount).toBe(1299);
		const old = await stripe.prices.retrieve(before.id);
		expect(old.active).toBe(false);
		expect(old.lookup_key).toBeNull();
	});

	it('archives the product and prices of a removed package', async () => {
		const { stripe } = harness;
		const result = await syncPackages(stripe, [pkg('basic', 1299)]);
		expect(result.changes).toEqual(['archive product credits_standard and its prices']);
		expect((await stripe.products.retrieve('credits_standard')).active).toBe(false);
		const prices = await stripe.prices.list({ product: 'credits_standard' });
		expect(prices.data.every((price) => !price.active)).toBe(true);
		expect(result.prices.map((price) => price.packageId)).toEqual(['basic']);
		expect((await syncPackages(stripe, [pkg('basic', 1299)])).changes).toEqual([]);
	});
});
