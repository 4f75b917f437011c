import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from './server';
import { startTestEmulator } from './testing';

let emulator: RunningEmulator;
let stripe: Stripe;

beforeAll(async () => {
	({ emulator, stripe } = await startTestEmulator());
});
afterAll(() => emulator.close());

describe('products', () => {
	it('creates with a caller-chosen id, retrieves, updates and lists', async () => {
		const product = await stripe.products.create({
			id: 'credits_small',
			name: 'Small',
			metadata: { package_id: 'small' }
		});
		expect(product).toMatchObject({
			id: 'credits_small',
			object: 'product',
			active: true,
			livemode: false
		});
		const updated = await stripe.products.update('credits_small', {
			name: 'Small pack',
			metadata: { package_id: '' }
		});
		expect(updated).toMatchObject({ name: 'Small pack', metadata: {} });
		expect((await stripe.products.retrieve('credits_small')).name).toBe('Small pack');
		await stripe.products.update('credits_small', { active: false });
		const inactive = await stripe.products.list({ active: false });
		expect(inactive.data.map((p) => p.id)).toContain('credits_small');
	});

	it('refuses a second product with the same id', async () => {
		await stripe.products.create({ id: 'credits_dup', name: 'Dup' });
		const error = await stripe.products
			.create({ id: 'credits_dup', name: 'Dup' })
			.catch((e: unknown) => e);
		expect(error).toMatchObject({ statusCode: 400, code: 'resource_already_exists', param: 'id' });
	});

	it('generates prod_ ids', async () => {
		expect((await stripe.products.create({ name: 'Anon' })).id).toMatch(/^prod_\w{14}$/);
	});
});

describe('prices', () => {
	it('creates a one-time price and finds it by lookup key', async () => {
		const product = await stripe.products.create({ name: 'Medium' });
		const price = await stripe.prices.create({
			product: product.id,
			unit_amount: 1999,
			currency: 'EUR',
			lookup_key: 'credits_medium'
		});
		expect(price).toMatchObject({
			object: 'price',
			type: 'one_time',
			unit_amount: 1999,
			currency: 'eur',
			active: true
		});
		expect(price.id).toMatch(/^price_/);
		const found = await stripe.prices.list({ lookup_keys: ['credits_medium', 'nope'] });
		expect(found.data.map((p) => p.id)).toEqual([price.id]);
	});

	it('keeps one price per lookup key and moves it with transfer_lookup_key', async () => {
		const product = await stripe.products.create({ name: 'Large' });
		const old = await stripe.prices.create({
			product: product.id,
			unit_amount: 4999,
			currency: 'usd',
			lookup_key: 'credits_large'
		});
		const clash = await stripe.prices
			.create({
				product: product.id,
				unit_amount: 5999,
				currency: 'usd',
				lookup_key: 'credits_large'
			})
			.catch((e: unknown) => e);
		expect(clash).toMatchObject({ statusCode: 400, param: 'lookup_key' });
		const next = await stripe.prices.create({
			product: product.id,
			unit_amount: 5999,
			currency: 'usd',
			lookup_key: 'credits_large',
			transfer_lookup_key: true
		});
		expect((await stripe.prices.retrieve(old.id)).lookup_key).toBeNull();
		const found = await stripe.prices.list({ lookup_keys: ['credits_large'] });
		expect(found.data.map((p) => p.id)).toEqual([next.id]);
	});

	it('updates active and metadata, and filters lists by active and product', async () => {
		const product = await stripe.products.create({ name: 'Filter' });
		const a = await stripe.prices.create({
			product: product.id,
			unit_amount: 100,
			currency: 'usd'
		});
		const b = await stripe.prices.create({
			product: product.id,
			unit_amount: 200,
			currency: 'usd'
		});
		const archived = await stripe.prices.update(a.id, { active: false, metadata: { note: 'old' } });
		expect(archived).toMatchObject({ active: false, metadata: { note: 'old' } });
		const active = await stripe.prices.list({ product: product.id, active: true });
		expect(active.data.map((p) => p.id)).toEqual([b.id]);
	});

	it('expands the product', async () => {
		const product = await stripe.products.create({ name: 'Expand me' });
		const price = await stripe.prices.create({
			product: product.id,
			unit_amount: 100,
			currency: 'usd',
			expand: ['product']
		});
		expect(price.product).toMatchObject({ id: product.id, name: 'Expand me' });
	});

	it('expands a product whose id the caller chose', async () => {
		await stripe.products.create({ id: 'credits_basic', name: 'Basic' });
		const price = await stripe.prices.create({
			product: 'credits_basic',
			unit_amount: 500,
			currency: 'usd'
		});
		const expanded = await stripe.prices.retrieve(price.id, { expand: ['product'] });
		expect(expanded.product).toMatchObject({ id: 'credits_basic', object: 'product' });
		const listed = await stripe.prices.list({ product: 'credits_basic', expand: ['data.product'] });
		expect(listed.data[0].product).toMatchObject({ id: 'credits_basic', name: 'Basic' });
	});

	it('names the missing product', async () => {
		const error = await stripe.prices
			.create({ product: 'prod_missing', unit_amount: 100, currency: 'usd' })
			.catch((e: unknown) => e);
		expect(error).toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'product' });
	});
});

describe('customers', () => {
	it('creates, retrieves and updates', async () => {
		const customer = await stripe.customers.create({
			email: 'buyer@example.com',
			metadata: { user_id: 'u1' }
		});
		expect(customer.id).toMatch(/^cus_/);
		const updated = await stripe.customers.update(customer.id, {
			name: 'Buyer',
			metadata: { plan: 'pro' }
		});
		expect(updated).toMatchObject({
			name: 'Buyer',
			email: 'buyer@example.com',
			metadata: { user_id: 'u1', plan: 'pro' }
		});
		const fetched = await stripe.customers.retrieve(customer.id);
		expect(fetched).toMatchObject({ id: customer.id, name: 'Buyer' });
	});
});
