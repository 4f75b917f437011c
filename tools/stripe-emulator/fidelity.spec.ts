import { Ajv, type ValidateFunction } from 'ajv';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from './server';
import {
	control,
	createSession,
	startTestEmulator,
	startWebhookReceiver,
	submitPayment,
	waitFor,
	type WebhookReceiver
} from './testing';
import { stripeTypeSchemas } from './type-schemas';

/**
 * Drives every endpoint the app (and the emulator) uses with the real client and checks each object
 * against the schema of its resource in the installed `stripe` package, so a change on either side
 * that Stripe would not make shows up here.
 */
const RESOURCES = {
	product: { file: 'Products.d.ts', name: 'Product' },
	price: { file: 'Prices.d.ts', name: 'Price' },
	customer: { file: 'Customers.d.ts', name: 'Customer' },
	'checkout.session': { file: 'Checkout/Sessions.d.ts', name: 'Session' },
	item: { file: 'LineItems.d.ts', name: 'LineItem' },
	payment_intent: { file: 'PaymentIntents.d.ts', name: 'PaymentIntent' },
	payment_method: { file: 'PaymentMethods.d.ts', name: 'PaymentMethod' },
	charge: { file: 'Charges.d.ts', name: 'Charge' },
	balance_transaction: { file: 'BalanceTransactions.d.ts', name: 'BalanceTransaction' },
	refund: { file: 'Refunds.d.ts', name: 'Refund' },
	dispute: { file: 'Disputes.d.ts', name: 'Dispute' },
	event: { file: 'Events.d.ts', name: 'EventBase' }
};
type Kind = keyof typeof RESOURCES;

let validators: Record<Kind, ValidateFunction>;
let emulator: RunningEmulator;
let receiver: WebhookReceiver;
let stripe: Stripe;
const checked = new Map<Kind, number>();

beforeAll(async () => {
	const { definitions, roots } = stripeTypeSchemas(Object.values(RESOURCES));
	const ajv = new Ajv({ allErrors: true, strict: false });
	ajv.addSchema({ $id: 'stripe', definitions });
	validators = Object.fromEntries(
		Object.entries(RESOURCES).map(([kind, { name }]) => [
			kind,
			ajv.getSchema(`stripe#/definitions/${roots[name]}`)
		])
	) as Record<Kind, ValidateFunction>;
	receiver = await startWebhookReceiver();
	({ emulator, stripe } = await startTestEmulator({ webhookUrl: receiver.url }));
}, 180_000);
afterAll(async () => {
	await emulator.close();
	await receiver.close();
});

/** The wire object without what the client adds (`lastResponse`), checked against its resource. */
function conforms<T extends { object: string }>(object: T): T {
	const { lastResponse: _, ...wire } = object as T & { lastResponse?: unknown };
	const kind = wire.object as Kind;
	const validate = validators[kind];
	expect(validate, `no schema for ${wire.object}`).toBeDefined();
	const body = kind === 'event' ? eventEnvelope(wire as unknown as Stripe.Event) : wire;
	expect(validate(body) ? [] : validate.errors, `${wire.object} ${JSON.stringify(wire)}`).toEqual(
		[]
	);
	checked.set(kind, (checked.get(kind) ?? 0) + 1);
	return object;
}

function conformsList<T extends { object: string }>(list: Stripe.ApiList<T>) {
	expect(list).toMatchObject({ object: 'list', has_more: expect.any(Boolean) });
	expect(list.url).toMatch(/^\/v1\//);
	list.data.forEach(conforms);
	return list;
}

/** An event's data is typed per resource: it is checked as its resource, the envelope on its own. */
function eventEnvelope(event: Stripe.Event) {
	const { data, ...envelope } = event;
	conforms(data.object as { object: string });
	const previous = 'previous_attributes' in data ? { previous_attributes: {} } : {};
	return { ...envelope, data: { object: {}, ...previous } };
}

describe('every endpoint answers objects shaped as the stripe package declares them', () => {
	it('catalogue, customers, checkout, payments, refunds, disputes and events', async () => {
		const product = conforms(
			await stripe.products.create({
				id: 'credits_fidelity',
				name: 'Fidelity',
				metadata: { a: 'b' }
			})
		);
		conforms(await stripe.products.retrieve(product.id));
		conforms(await stripe.products.update(product.id, { description: 'Checked' }));
		conformsList(await stripe.products.list({ limit: 100 }));

		const price = conforms(
			await stripe.prices.create({
				product: product.id,
				unit_amount: 1000,
				currency: 'usd',
				lookup_key: 'fidelity'
			})
		);
		const expanded = await stripe.prices.retrieve(price.id, { expand: ['product'] });
		conforms(expanded.product as Stripe.Product);
		conforms(await stripe.prices.update(price.id, { nickname: 'ten' }));
		conformsList(await stripe.prices.list({ lookup_keys: ['fidelity'] }));
		conforms(await stripe.products.update(product.id, { default_price: price.id }));

		const customer = conforms(await stripe.customers.create({ email: 'fidelity@example.com' }));
		conforms(await stripe.customers.retrieve(customer.id));
		conforms(await stripe.customers.update(customer.id, { name: 'Fi Delity' }));
		conformsList(await stripe.customers.list({ email: 'fidelity@example.com' }));

		const session = conforms(
			await createSession(stripe, price, {
				customer: customer.id,
				client_reference_id: 'user_1',
				metadata: { purchase_id: 'p1' },
				payment_intent_data: { metadata: { purchase_id: 'p1' } }
			})
		);
		conformsList(await stripe.checkout.sessions.listLineItems(session.id));
		await submitPayment(session.url ?? '', { card_number: '4000000000000002' });
		conforms(await stripe.checkout.sessions.retrieve(session.id));
		await submitPayment(session.url ?? '', { card_number: '4242424242424242' });
		const paid = conforms(await stripe.checkout.sessions.retrieve(session.id));
		conformsList(
			await stripe.checkout.sessions.list({ payment_intent: String(paid.payment_intent) })
		);

		const intent = conforms(await stripe.paymentIntents.retrieve(String(paid.payment_intent)));
		conformsList(await stripe.paymentIntents.list({ customer: customer.id }));
		conforms(await stripe.paymentMethods.retrieve(String(intent.payment_method)));
		const charge = conforms(await stripe.charges.retrieve(String(intent.latest_charge)));
		conformsList(await stripe.charges.list({ payment_intent: intent.id }));
		conforms(await stripe.balanceTransactions.retrieve(String(charge.balance_transaction)));

		const refund = conforms(
			await stripe.refunds.create({ payment_intent: intent.id, amount: 300 })
		);
		conforms(await stripe.refunds.retrieve(refund.id));
		conformsList(await stripe.refunds.list({ payment_intent: intent.id }));

		const dispute = (await (
			await control(emulator, `charges/${charge.id}/dispute`)
		).json()) as Stripe.Dispute;
		conforms(await stripe.disputes.retrieve(dispute.id));
		await control(emulator, `disputes/${dispute.id}/close`, { status: 'won' });
		conformsList(await stripe.disputes.list({ charge: charge.id }));

		const delayed = await createSession(stripe, price, { customer_email: 'bank@example.com' });
		await submitPayment(delayed.url ?? '', { delayed: '1' });
		await control(emulator, `checkout/sessions/${delayed.id}/async_payment`, {
			result: 'succeeded'
		});
		conforms(await stripe.checkout.sessions.retrieve(delayed.id));
		const expiring = await createSession(stripe, price);
		conforms(await stripe.checkout.sessions.expire(expiring.id));

		const events = conformsList(await stripe.events.list({ limit: 100 }));
		conforms(await stripe.events.retrieve(events.data[0].id));
		await waitFor(() => receiver.received.length >= events.data.length);
		for (const { body } of receiver.received) conforms(JSON.parse(body) as Stripe.Event);

		expect([...checked.keys()].sort()).toEqual(Object.keys(RESOURCES).sort());
	}, 120_000);
});
