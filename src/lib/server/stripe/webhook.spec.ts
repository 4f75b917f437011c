import { eq } from 'drizzle-orm';
import Stripe from 'stripe';
import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db';
import { purchases, stripeEvents, users } from '../db/schema';
import { handleStripeEvent } from './events';
import { receiveWebhook } from './webhook';

const secret = 'whsec_shape_tests';
const stripe = new Stripe('sk_test_shape_tests');

let db: Db;
beforeEach(() => {
	db = openDatabase(':memory:');
});

function deliver(body: unknown) {
	const payload = JSON.stringify(body);
	const signature = stripe.webhooks.generateTestHeaderString({ payload, secret });
	return receiveWebhook(db, payload, signature, secret, (event) =>
		handleStripeEvent(db, stripe, event)
	);
}

async function recorded(id: string) {
	const [row] = await db.select().from(stripeEvents).where(eq(stripeEvents.id, id)).limit(1);
	return row;
}

const event = (id: string, type: string, object: unknown) => ({
	id,
	object: 'event',
	type,
	data: { object }
});

describe('a correctly signed but malformed webhook event', () => {
	it.each([
		[
			'a checkout session that is null',
			event('evt_null_session', 'checkout.session.completed', null)
		],
		[
			'a payment intent without metadata',
			event('evt_no_metadata', 'payment_intent.succeeded', {
				id: 'pi_1',
				status: 'succeeded',
				amount_received: 500,
				currency: 'usd'
			})
		],
		['a dispute that is null', event('evt_null_dispute', 'charge.dispute.created', null)],
		[
			'a refund whose amount is text',
			event('evt_text_amount', 'charge.refunded', {
				id: 'ch_1',
				metadata: {},
				payment_intent: 'pi_1',
				status: 'succeeded',
				amount_captured: 500,
				amount_refunded: '100',
				currency: 'usd',
				receipt_url: null
			})
		],
		['an event without a type', { id: 'evt_no_type', data: { object: {} } }],
		['an event whose type is a number', { id: 'evt_number_type', type: 7, data: { object: {} } }]
	])('answers 400 and records %s as rejected', async (_, body) => {
		const response = await deliver(body);
		expect(response.status).toBe(400);
		expect(response.body).toMatchObject({ error: { code: 'malformed_event' } });
		const row = await recorded(body.id);
		expect(row?.outcome).toBe('rejected');
		expect(row?.error).toBe((response.body.error as { message: string }).message);
	});

	it.each([
		['JSON null', null],
		['an array', []],
		['a number', 42],
		['a string', 'str'],
		['an event without an id', { type: 'checkout.session.completed', data: { object: {} } }],
		[
			'an event whose id is a number',
			{ id: 42, type: 'checkout.session.completed', data: { object: {} } }
		]
	])('answers 400 to %s and records nothing', async (_, body) => {
		const response = await deliver(body);
		expect(response.status).toBe(400);
		expect(response.body).toMatchObject({ error: { code: 'malformed_event' } });
		expect(await db.select().from(stripeEvents)).toEqual([]);
	});

	it('answers 400 to a signed body that is not JSON', async () => {
		const payload = '{"id": "evt_cut_off"';
		const signature = stripe.webhooks.generateTestHeaderString({ payload, secret });
		const response = await receiveWebhook(db, payload, signature, secret, (e) =>
			handleStripeEvent(db, stripe, e)
		);
		expect(response).toMatchObject({ status: 400, body: { error: { code: 'malformed_event' } } });
	});

	it('still ignores an unknown type whatever its object', async () => {
		expect(await deliver(event('evt_unknown', 'customer.created', null))).toEqual({
			status: 200,
			body: { received: true, outcome: 'ignored' }
		});
	});

	it('answers 200 without changing the record when a processed event is redelivered malformed', async () => {
		expect((await deliver(event('evt_seen', 'customer.created', {}))).status).toBe(200);
		expect(await deliver(event('evt_seen', 'charge.dispute.created', null))).toMatchObject({
			status: 200,
			body: { duplicate: true, outcome: 'ignored' }
		});
		expect((await recorded('evt_seen'))?.outcome).toBe('ignored');
	});
});

describe('a handler that fails', () => {
	it('answers 500 so that Stripe retries when the database throws', async () => {
		await db.insert(users).values({ id: 'u1', email: 'u1@example.com', passwordHash: 'x' });
		await db.insert(purchases).values({
			id: 'pur_1',
			userId: 'u1',
			packageId: 'standard',
			credits: 500,
			amountMinor: 3999,
			currency: 'usd'
		});
		db.$client.exec(
			`CREATE TRIGGER broken_disk BEFORE UPDATE ON purchases BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`
		);
		const session = {
			id: 'cs_1',
			metadata: { purchase_id: 'pur_1' },
			status: 'complete',
			payment_status: 'paid',
			amount_total: 3999,
			currency: 'usd',
			payment_intent: 'pi_1'
		};

		const response = await deliver(event('evt_disk', 'checkout.session.completed', session));
		expect(response).toEqual({
			status: 500,
			body: { error: { code: 'processing_failed', message: 'disk I/O error' } }
		});
		expect(await recorded('evt_disk')).toMatchObject({
			outcome: 'failed',
			error: 'disk I/O error'
		});
	});
});

describe('a delivery whose signature cannot be checked', () => {
	it.each(['', 'garbage', 't=,v1=', 'v1=', `t=${Math.floor(Date.now() / 1000)},v1=`])(
		'answers 400 invalid_signature that names the header to %j, and stores nothing',
		async (header) => {
			const response = await receiveWebhook(db, '{"id":"evt_garbled"}', header, secret, () =>
				Promise.resolve({ outcome: 'processed' })
			);
			expect(response.status).toBe(400);
			expect(response.body.error).toMatchObject({
				code: 'invalid_signature',
				message: expect.stringMatching(/signature/i)
			});
			expect(await recorded('evt_garbled')).toBeUndefined();
		}
	);
});
