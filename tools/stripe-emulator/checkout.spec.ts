import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from './server';
import { control, createPrice, createSession, startTestEmulator, submitPayment } from './testing';

let emulator: RunningEmulator;
let stripe: Stripe;
let price: Stripe.Price;

beforeAll(async () => {
	({ emulator, stripe } = await startTestEmulator());
	price = await createPrice(stripe, 999, 'usd');
});
afterAll(() => emulator.close());

describe('creating a session', () => {
	it('opens an unpaid payment session whose url is the hosted page', async () => {
		const session = await createSession(stripe, price, {
			client_reference_id: 'user_1',
			customer_email: 'buyer@example.com',
			metadata: { purchase_id: 'pur_1' },
			line_items: [{ price: price.id, quantity: 3 }]
		});
		expect(session).toMatchObject({
			object: 'checkout.session',
			mode: 'payment',
			status: 'open',
			payment_status: 'unpaid',
			amount_total: 2997,
			currency: 'usd',
			client_reference_id: 'user_1',
			customer_email: 'buyer@example.com',
			metadata: { purchase_id: 'pur_1' },
			payment_intent: null,
			url: `${emulator.url}/checkout/pay/${session.id}`
		});
		expect(session.id).toMatch(/^cs_test_/);
	});

	it('rejects an inactive price, naming the line item', async () => {
		const archived = await createPrice(stripe, 500);
		await stripe.prices.update(archived.id, { active: false });
		const error = await createSession(stripe, archived).catch((e: unknown) => e);
		expect(error).toMatchObject({ statusCode: 400, param: 'line_items[0][price]' });
	});

	it('requires line items and rejects customer together with customer_email', async () => {
		const missing = await stripe.checkout.sessions
			.create({ mode: 'payment' })
			.catch((e: unknown) => e);
		expect(missing).toMatchObject({ code: 'parameter_missing', param: 'line_items' });
		const customer = await stripe.customers.create({ email: 'c@example.com' });
		const both = await createSession(stripe, price, {
			customer: customer.id,
			customer_email: 'x@example.com'
		}).catch((e: unknown) => e);
		expect(both).toMatchObject({ statusCode: 400, param: 'customer_email' });
	});

	it('accepts expires_at between 30 minutes and 24 hours', async () => {
		const now = Math.floor(Date.now() / 1000);
		const soon = await createSession(stripe, price, { expires_at: now + 10 * 60 }).catch(
			(e: unknown) => e
		);
		expect(soon).toMatchObject({ statusCode: 400, param: 'expires_at' });
		const ok = await createSession(stripe, price, { expires_at: now + 3600 });
		expect(ok.expires_at).toBe(now + 3600);
	});
});

describe('paying on the hosted page', () => {
	it('pays with 4242…, redirects to the success URL and fills in the session', async () => {
		const customer = await stripe.customers.create({ email: 'payer@example.com' });
		const session = await createSession(stripe, price, {
			customer: customer.id,
			payment_intent_data: { metadata: { purchase_id: 'pur_2' } }
		});
		const response = await submitPayment(session.url ?? '', { card_number: '4242 4242 4242 4242' });
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toBe(
			`http://127.0.0.1:9/success?session_id=${session.id}`
		);

		const paid = await stripe.checkout.sessions.retrieve(session.id, {
			expand: ['line_items', 'payment_intent.latest_charge']
		});
		expect(paid).toMatchObject({
			status: 'complete',
			payment_status: 'paid',
			amount_total: 999,
			amount_subtotal: 999,
			customer: customer.id,
			customer_details: { email: 'payer@example.com' },
			url: null
		});
		expect(paid.line_items?.data).toMatchObject([
			{ object: 'item', quantity: 1, amount_total: 999, price: { id: price.id } }
		]);
		const items = await stripe.checkout.sessions.listLineItems(session.id, {
			expand: ['data.price.product']
		});
		expect(items.data[0].price?.product).toMatchObject({ object: 'product', name: '100 credits' });
		const intent = paid.payment_intent as Stripe.PaymentIntent;
		expect(intent).toMatchObject({
			status: 'succeeded',
			amount: 999,
			amount_received: 999,
			customer: customer.id,
			metadata: { purchase_id: 'pur_2' }
		});
		expect(intent.latest_charge).toMatchObject({
			object: 'charge',
			paid: true,
			amount_refunded: 0,
			payment_intent: intent.id
		});

		const byIntent = await stripe.checkout.sessions.list({ payment_intent: intent.id });
		expect(byIntent.data.map((s) => s.id)).toEqual([session.id]);
		const charges = await stripe.charges.list({ payment_intent: intent.id });
		expect(charges.data[0]).toMatchObject({
			metadata: { purchase_id: 'pur_2' },
			payment_method_details: { card: { last4: '4242', brand: 'visa' } }
		});
		expect(
			(await stripe.paymentIntents.list({ customer: customer.id })).data.map((pi) => pi.id)
		).toEqual([intent.id]);
	});

	it('shows Stripe’s decline messages and leaves the session open', async () => {
		const session = await createSession(stripe, price);
		const declined = await submitPayment(session.url ?? '', {
			card_number: '4000000000000002',
			email: 'a@example.com'
		});
		expect(declined.status).toBe(402);
		expect(await declined.text()).toContain('Your card was declined.');
		const poor = await submitPayment(session.url ?? '', {
			card_number: '4000000000009995',
			email: 'a@example.com'
		});
		expect(await poor.text()).toContain('Your card has insufficient funds.');
		const open = await stripe.checkout.sessions.retrieve(session.id, {
			expand: ['payment_intent']
		});
		expect(open).toMatchObject({ status: 'open', payment_status: 'unpaid' });
		expect(open.payment_intent).toMatchObject({
			status: 'requires_payment_method',
			last_payment_error: { decline_code: 'insufficient_funds' }
		});

		const retry = await submitPayment(session.url ?? '', {
			card_number: '4242424242424242',
			email: 'a@example.com'
		});
		expect(retry.status).toBe(303);
		const paid = await stripe.checkout.sessions.retrieve(session.id);
		expect(paid.payment_intent).toBe((open.payment_intent as Stripe.PaymentIntent).id);
	});

	it('shows a completed or expired session’s state instead of the form', async () => {
		const session = await createSession(stripe, price);
		await submitPayment(session.url ?? '', { card_number: '4242424242424242' });
		const again = await fetch(session.url ?? '');
		expect(await again.text()).toContain('already complete');

		const other = await createSession(stripe, price);
		const expired = await stripe.checkout.sessions.expire(other.id);
		expect(expired).toMatchObject({ status: 'expired', url: null });
		const page = await fetch(other.url ?? '');
		expect(page.status).toBe(410);
		expect(await page.text()).toContain('expired');
		const error = await stripe.checkout.sessions.expire(other.id).catch((e: unknown) => e);
		expect(error).toMatchObject({ statusCode: 400 });
	});

	it('cancels back to the cancel URL', async () => {
		const session = await createSession(stripe, price);
		const response = await fetch(`${session.url}/cancel`, { method: 'POST', redirect: 'manual' });
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toBe('http://127.0.0.1:9/cancel');
	});

	it('renders line items with the currency’s own decimals and escapes names', async () => {
		const yen = await createPrice(stripe, 500, 'jpy', '<b>Yen</b> pack');
		const session = await createSession(stripe, yen);
		const html = await (await fetch(session.url ?? '')).text();
		expect(html).toContain('¥500');
		expect(html).toContain('&#60;b&#62;Yen&#60;/b&#62; pack');
		expect(html).not.toContain('<b>Yen');
	});

	it('creates a customer on payment when customer_creation is always', async () => {
		const session = await createSession(stripe, price, { customer_creation: 'always' });
		await submitPayment(session.url ?? '', {
			card_number: '4242424242424242',
			email: 'new@example.com'
		});
		const paid = await stripe.checkout.sessions.retrieve(session.id);
		const customer = await stripe.customers.retrieve(String(paid.customer));
		expect(customer).toMatchObject({ email: 'new@example.com' });
	});
});

describe('delayed payments', () => {
	it('completes unpaid, then succeeds on the control call', async () => {
		const session = await createSession(stripe, price);
		const response = await submitPayment(session.url ?? '', {
			email: 'slow@example.com',
			delayed: '1'
		});
		expect(response.status).toBe(303);
		const pending = await stripe.checkout.sessions.retrieve(session.id, {
			expand: ['payment_intent']
		});
		expect(pending).toMatchObject({
			status: 'complete',
			payment_status: 'unpaid',
			payment_intent: { status: 'processing' }
		});

		expect(
			(
				await control(emulator, `checkout/sessions/${session.id}/async_payment`, {
					result: 'succeeded'
				})
			).status
		).toBe(200);
		const paid = await stripe.checkout.sessions.retrieve(session.id, {
			expand: ['payment_intent']
		});
		expect(paid).toMatchObject({ payment_status: 'paid', payment_intent: { status: 'succeeded' } });
		const again = await control(emulator, `checkout/sessions/${session.id}/async_payment`, {
			result: 'succeeded'
		});
		expect(again.status).toBe(400);
	});

	it('stays unpaid when the delayed payment fails', async () => {
		const session = await createSession(stripe, price);
		await submitPayment(session.url ?? '', { email: 'slow@example.com', delayed: '1' });
		await control(emulator, `checkout/sessions/${session.id}/async_payment`, { result: 'failed' });
		const failed = await stripe.checkout.sessions.retrieve(session.id, {
			expand: ['payment_intent']
		});
		expect(failed).toMatchObject({
			status: 'complete',
			payment_status: 'unpaid',
			payment_intent: { status: 'requires_payment_method' }
		});
	});
});
