import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from './server';
import { connectStripe, createPrice, createSession, rawPost, startTestEmulator } from './testing';

/** The limits and errors Stripe documents; each test compares the emulator's answer with Stripe's. */
let emulator: RunningEmulator;
let stripe: Stripe;

beforeAll(async () => {
	({ emulator, stripe } = await startTestEmulator());
});
afterAll(() => emulator.close());

function failure(promise: Promise<unknown>) {
	return promise.then(
		() => {
			throw new Error('expected Stripe to refuse the request');
		},
		(error: unknown) => error as Stripe.errors.StripeError
	);
}

describe('API keys', () => {
	it('accepts only the account’s own keys: another test key is “Invalid API Key provided”, 401', async () => {
		const stranger = connectStripe(emulator, 'sk_test_someone_elses_key_1234');
		const error = await failure(stranger.products.list());
		expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
		expect(error).toMatchObject({
			statusCode: 401,
			rawType: 'invalid_request_error',
			code: undefined,
			message: 'Invalid API Key provided: sk_test_******************1234'
		});
		expect((await stripe.products.list()).object).toBe('list');
	});
});

describe('currencies', () => {
	it('refuses a currency Stripe does not support, naming `currency`', async () => {
		const product = await stripe.products.create({ name: 'Odd money' });
		const error = await failure(
			stripe.prices.create({ product: product.id, unit_amount: 500, currency: 'xyz' })
		);
		expect(error).toMatchObject({
			statusCode: 400,
			type: 'StripeInvalidRequestError',
			param: 'currency'
		});
		expect(error.message).toMatch(
			/^Invalid currency: xyz\. Stripe currently supports these currencies: usd, /
		);
		const euro = await stripe.prices.create({
			product: product.id,
			unit_amount: 500,
			currency: 'EUR'
		});
		expect(euro.currency).toBe('eur');
	});
});

describe('minimum charge amounts', () => {
	it.each([
		['usd', 49, '$0.50 usd'],
		['eur', 49, '€0.50 eur'],
		['gbp', 29, '£0.30 gbp'],
		['jpy', 49, '¥50 jpy']
	])('refuses a %s session of %i with amount_too_small', async (currency, amount, minimum) => {
		const price = await createPrice(stripe, amount, currency);
		const error = await failure(createSession(stripe, price));
		expect(error).toMatchObject({
			statusCode: 400,
			type: 'StripeInvalidRequestError',
			code: 'amount_too_small',
			message: `The Checkout Session's total amount due must add up to at least ${minimum}`
		});
		const enough = await createPrice(stripe, amount + 1, currency);
		expect((await createSession(stripe, enough)).amount_total).toBe(amount + 1);
	});

	it('counts the quantity: 2 × $0.25 is enough', async () => {
		const price = await createPrice(stripe, 25);
		const session = await createSession(stripe, price, {
			line_items: [{ price: price.id, quantity: 2 }]
		});
		expect(session.amount_total).toBe(50);
	});
});

describe('metadata limits', () => {
	const keys = (count: number) =>
		Object.fromEntries(Array.from({ length: count }, (_, i) => [`key_${i}`, 'v']));

	it.each([
		['51 keys', keys(51), "Metadata can have up to 50 keys, but you've set 51."],
		[
			'a 41-character key',
			{ ['k'.repeat(41)]: 'v' },
			`Invalid key: ${'k'.repeat(41)} must be a string under 40 characters`
		],
		[
			'a 501-character value',
			{ note: 'v'.repeat(501) },
			`Invalid val: ${'v'.repeat(501)} must be a string under 500 characters`
		],
		[
			'a key with square brackets',
			{ 'a[b': 'v' },
			"Invalid key: a[b must not contain square brackets ('[' or ']')"
		]
	])('refuses %s with invalid_request_error on `metadata`', async (_name, metadata, message) => {
		const error = await failure(stripe.products.create({ name: 'Tagged', metadata }));
		expect(error).toMatchObject({
			statusCode: 400,
			type: 'StripeInvalidRequestError',
			param: 'metadata',
			message
		});
	});

	it('accepts 50 keys of 40 characters with 500-character values', async () => {
		const metadata = Object.fromEntries(
			Array.from({ length: 50 }, (_, i) => [String(i).padStart(40, 'k'), 'v'.repeat(500)])
		);
		const product = await stripe.products.create({ name: 'Full', metadata });
		expect(Object.keys(product.metadata)).toHaveLength(50);
	});

	it('names the nested parameter on a session’s payment intent metadata', async () => {
		const price = await createPrice(stripe);
		const error = await failure(
			createSession(stripe, price, { payment_intent_data: { metadata: keys(51) } })
		);
		expect(error).toMatchObject({ statusCode: 400, param: 'payment_intent_data[metadata]' });
	});
});

describe('idempotency keys', () => {
	it('refuses a key longer than 255 characters, and saves nothing under it', async () => {
		const long = 'k'.repeat(256);
		const error = await failure(stripe.products.create({ name: 'Once' }, { idempotencyKey: long }));
		expect(error).toMatchObject({ statusCode: 400, type: 'StripeInvalidRequestError' });
		const fits = await stripe.products.create(
			{ name: 'Once' },
			{ idempotencyKey: long.slice(0, 255) }
		);
		expect(fits.name).toBe('Once');
	});

	it('replays the same parameters sent in another order, and refuses other parameters', async () => {
		const headers = { 'Idempotency-Key': 'reordered-params' };
		const first = await rawPost(
			emulator,
			'/v1/customers',
			'email=a%40example.com&name=Ann',
			headers
		);
		const again = await rawPost(
			emulator,
			'/v1/customers',
			'name=Ann&email=a%40example.com',
			headers
		);
		expect(again.headers.get('idempotent-replayed')).toBe('true');
		expect(((await again.json()) as Stripe.Customer).id).toBe(
			((await first.json()) as Stripe.Customer).id
		);
		const other = await rawPost(
			emulator,
			'/v1/customers',
			'name=Bob&email=a%40example.com',
			headers
		);
		expect(other.status).toBe(400);
		expect(await other.json()).toMatchObject({ error: { type: 'idempotency_error' } });
	});
});

describe('return URLs', () => {
	it('refuses a success or cancel URL that is not http(s): “Not a valid URL”, naming the field', async () => {
		const price = await createPrice(stripe);
		for (const field of ['success_url', 'cancel_url'] as const) {
			for (const bad of ['javascript:alert(1)', 'data:text/html,hi', 'ftp://shop.example/x']) {
				const error = await failure(createSession(stripe, price, { [field]: bad }));
				expect(error, `${field}=${bad}`).toMatchObject({
					statusCode: 400,
					param: field,
					message: `Invalid ${field}: Not a valid URL`
				});
			}
		}
		const fine = await createSession(stripe, price, {
			success_url: 'https://shop.example/done?session_id={CHECKOUT_SESSION_ID}'
		});
		expect(fine.success_url).toBe('https://shop.example/done?session_id={CHECKOUT_SESSION_ID}');
	});
});
