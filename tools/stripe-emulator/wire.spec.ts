import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from './server';
import { SECRET_KEY, createPrice, rawPost, startTestEmulator } from './testing';

let emulator: RunningEmulator;
let stripe: Stripe;

beforeAll(async () => {
	({ emulator, stripe } = await startTestEmulator());
});
afterAll(() => emulator.close());

describe('authentication', () => {
	it('rejects a missing key with 401 in Stripe’s error shape', async () => {
		const response = await fetch(`${emulator.url}/v1/products`);
		expect(response.status).toBe(401);
		expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
	});

	it('rejects a key that is not a test secret key', async () => {
		const live = new Stripe('sk_live_nope', {
			host: '127.0.0.1',
			port: emulator.port,
			protocol: 'http'
		});
		await expect(live.products.list()).rejects.toBeInstanceOf(
			Stripe.errors.StripeAuthenticationError
		);
	});
});

describe('parameter errors', () => {
	it('names a missing required parameter', async () => {
		const error = await stripe.products
			.create({} as Stripe.ProductCreateParams)
			.catch((e: unknown) => e);
		expect(error).toMatchObject({
			type: 'StripeInvalidRequestError',
			code: 'parameter_missing',
			param: 'name',
			statusCode: 400
		});
	});

	it('names an unknown parameter, nested ones included', async () => {
		const price = await createPrice(stripe);
		const params = {
			mode: 'payment',
			line_items: [{ price: price.id, quantity: 1, colour: 'red' }]
		};
		const error = await stripe.checkout.sessions
			.create(params as Stripe.Checkout.SessionCreateParams)
			.catch((e: unknown) => e);
		expect(error).toMatchObject({ code: 'parameter_unknown', param: 'line_items[0][colour]' });
	});

	it('rejects a non-integer amount', async () => {
		const product = await stripe.products.create({ name: 'p' });
		const response = await rawPost(
			emulator,
			'/v1/prices',
			`product=${product.id}&currency=usd&unit_amount=9.99`
		);
		expect(response.status).toBe(400);
		expect(await response.json()).toMatchObject({
			error: { code: 'parameter_invalid_integer', param: 'unit_amount' }
		});
	});

	it('answers 404 resource_missing for an unknown id', async () => {
		const error = await stripe.checkout.sessions
			.retrieve('cs_test_missing')
			.catch((e: unknown) => e);
		expect(error).toMatchObject({
			statusCode: 404,
			code: 'resource_missing',
			message: "No such checkout.session: 'cs_test_missing'"
		});
	});

	it('answers 404 for an unknown URL', async () => {
		const response = await fetch(`${emulator.url}/v1/subscriptions`, {
			headers: { Authorization: `Bearer ${SECRET_KEY}` }
		});
		expect(response.status).toBe(404);
	});
});

describe('idempotency', () => {
	it('replays the first response for the same key and body', async () => {
		const first = await stripe.customers.create(
			{ email: 'a@example.com' },
			{ idempotencyKey: 'customer-a' }
		);
		const second = await stripe.customers.create(
			{ email: 'a@example.com' },
			{ idempotencyKey: 'customer-a' }
		);
		expect(second.id).toBe(first.id);
		expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
		const all = await stripe.customers.list({ email: 'a@example.com' });
		expect(all.data).toHaveLength(1);
	});

	it('rejects the same key with a different body', async () => {
		await stripe.customers.create({ email: 'b@example.com' }, { idempotencyKey: 'customer-b' });
		const error = await stripe.customers
			.create({ email: 'c@example.com' }, { idempotencyKey: 'customer-b' })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
		expect(error).toMatchObject({ statusCode: 400, type: 'StripeIdempotencyError' });
	});

	it('does not save a request rejected by validation, so a corrected retry works', async () => {
		const bad = await rawPost(emulator, '/v1/products', 'nam=typo', {
			'Idempotency-Key': 'product-fix'
		});
		expect(bad.status).toBe(400);
		const good = await rawPost(emulator, '/v1/products', 'name=Fixed', {
			'Idempotency-Key': 'product-fix'
		});
		expect(good.status).toBe(200);
	});
});

describe('lists', () => {
	it('pages newest first with limit, starting_after and has_more', async () => {
		const created = [];
		for (const name of ['one', 'two', 'three'])
			created.push(await stripe.customers.create({ name, email: 'page@example.com' }));
		const first = await stripe.customers.list({ email: 'page@example.com', limit: 2 });
		expect(first).toMatchObject({ object: 'list', has_more: true, url: '/v1/customers' });
		expect(first.data.map((c) => c.name)).toEqual(['three', 'two']);
		const rest = await stripe.customers.list({
			email: 'page@example.com',
			limit: 2,
			starting_after: first.data[1].id
		});
		expect(rest.data.map((c) => c.name)).toEqual(['one']);
		expect(rest.has_more).toBe(false);
		const names: (string | null | undefined)[] = [];
		for await (const customer of stripe.customers.list({ email: 'page@example.com', limit: 1 }))
			names.push(customer.name);
		expect(names).toEqual(['three', 'two', 'one']);
	});

	it('rejects expanding a field that is not a reference', async () => {
		const customer = await stripe.customers.create({});
		const error = await stripe.customers
			.retrieve(customer.id, { expand: ['email'] })
			.catch((e: unknown) => e);
		expect(error).toMatchObject({ statusCode: 400, param: 'expand' });
	});
});
