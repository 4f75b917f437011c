import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from './server';
import { control, createPrice, createSession, startTestEmulator, submitPayment } from './testing';

/** The fields and events Stripe fills in after a payment, which code may come to rely on. */
let emulator: RunningEmulator;
let stripe: Stripe;
let price: Stripe.Price;

beforeAll(async () => {
	({ emulator, stripe } = await startTestEmulator());
	price = await createPrice(stripe, 1000);
});
afterAll(() => emulator.close());

async function pay(fields: Record<string, string> = {}, extra = {}) {
	const session = await createSession(stripe, price, extra);
	await submitPayment(session.url ?? '', {
		card_number: '4242424242424242',
		email: 'buyer@example.com',
		...fields
	});
	const paid = await stripe.checkout.sessions.retrieve(session.id, {
		expand: ['payment_intent.latest_charge']
	});
	const intent = paid.payment_intent as Stripe.PaymentIntent;
	return { session: paid, intent, charge: intent.latest_charge as Stripe.Charge };
}

async function eventsOf(type: string, objectId: string) {
	const { data } = await stripe.events.list({ type, limit: 100 });
	return data.filter((event) => (event.data.object as { id: string }).id === objectId);
}

describe('a paid session', () => {
	it('names the payment method on the intent and the charge', async () => {
		const { intent, charge } = await pay();
		expect(intent.payment_method).toMatch(/^pm_/);
		expect(charge.payment_method).toBe(intent.payment_method);
		const method = await stripe.paymentMethods.retrieve(String(intent.payment_method));
		expect(method).toMatchObject({
			object: 'payment_method',
			type: 'card',
			card: { brand: 'visa', last4: '4242' },
			billing_details: { email: 'buyer@example.com', address: { country: 'US' } }
		});
	});

	it('settles the charge into a balance transaction, announced by charge.updated', async () => {
		const { charge } = await pay();
		expect(charge.balance_transaction).toMatch(/^txn_/);
		const transaction = await stripe.balanceTransactions.retrieve(
			String(charge.balance_transaction)
		);
		expect(transaction).toMatchObject({
			object: 'balance_transaction',
			amount: 1000,
			fee: 59,
			net: 941,
			type: 'charge',
			source: charge.id
		});
		const expanded = await stripe.charges.retrieve(charge.id, { expand: ['balance_transaction'] });
		expect(expanded.balance_transaction).toMatchObject({ id: transaction.id });
		const [succeeded] = await eventsOf('charge.succeeded', charge.id);
		expect((succeeded.data.object as Stripe.Charge).balance_transaction).toBeNull();
		const [updated] = await eventsOf('charge.updated', charge.id);
		expect(updated.data).toMatchObject({
			object: { balance_transaction: transaction.id },
			previous_attributes: { balance_transaction: null }
		});
		expect(await eventsOf('payment_intent.created', String(charge.payment_intent))).toHaveLength(1);
	});

	it('records the billing country on the session', async () => {
		expect((await pay()).session.customer_details?.address?.country).toBe('US');
		expect((await pay({ country: 'de' })).session.customer_details?.address?.country).toBe('DE');
	});

	it('serves the charge’s receipt_url as an escaped receipt page', async () => {
		const { charge } = await pay(
			{},
			{ payment_intent_data: { description: '<script>alert(1)</script> credits' } }
		);
		expect(charge.receipt_url).toBe(`${emulator.url}/receipts/payment/${charge.id}`);
		const page = await fetch(charge.receipt_url ?? '');
		expect(page.status).toBe(200);
		expect(page.headers.get('content-type')).toContain('text/html');
		const html = await page.text();
		expect(html).toContain('$10.00');
		expect(html).toContain('visa •••• 4242');
		expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62; credits');
		expect(html).not.toContain('<script>');
		expect((await fetch(`${emulator.url}/receipts/payment/ch_missing`)).status).toBe(404);
	});

	it('gives each refund its balance transaction', async () => {
		const { charge } = await pay();
		const refund = await stripe.refunds.create({ charge: charge.id, amount: 400 });
		const transaction = await stripe.balanceTransactions.retrieve(
			String(refund.balance_transaction)
		);
		expect(transaction).toMatchObject({ amount: -400, type: 'refund', source: refund.id });
	});
});

describe('disputes', () => {
	it('withdraws the funds and the fee, and reinstates the amount when won', async () => {
		const { charge } = await pay();
		const opened = (await (
			await control(emulator, `charges/${charge.id}/dispute`)
		).json()) as Stripe.Dispute;
		expect(opened.balance_transactions).toMatchObject([
			{ object: 'balance_transaction', amount: -1000, fee: 1500, net: -2500, type: 'adjustment' }
		]);
		const [withdrawn] = await eventsOf('charge.dispute.funds_withdrawn', opened.id);
		expect((withdrawn.data.object as Stripe.Dispute).balance_transactions).toHaveLength(1);

		await control(emulator, `disputes/${opened.id}/close`, { status: 'won' });
		const won = await stripe.disputes.retrieve(opened.id);
		expect(won.balance_transactions.map((transaction) => transaction.amount)).toEqual([
			-1000, 1000
		]);
		expect(await eventsOf('charge.dispute.funds_reinstated', opened.id)).toHaveLength(1);
	});

	it('keeps the funds withdrawn when lost', async () => {
		const { charge } = await pay();
		const opened = (await (
			await control(emulator, `charges/${charge.id}/dispute`)
		).json()) as Stripe.Dispute;
		await control(emulator, `disputes/${opened.id}/close`, { status: 'lost' });
		expect((await stripe.disputes.retrieve(opened.id)).balance_transactions).toHaveLength(1);
		expect(await eventsOf('charge.dispute.funds_reinstated', opened.id)).toHaveLength(0);
	});
});

describe('an expired session', () => {
	it('cancels the payment intent a declined attempt left open', async () => {
		const session = await createSession(stripe, price);
		await submitPayment(session.url ?? '', { card_number: '4000000000000002' });
		await stripe.checkout.sessions.expire(session.id);
		const intentId = String((await stripe.checkout.sessions.retrieve(session.id)).payment_intent);
		expect(await stripe.paymentIntents.retrieve(intentId)).toMatchObject({
			status: 'canceled',
			cancellation_reason: 'abandoned'
		});
		expect(await eventsOf('payment_intent.canceled', intentId)).toHaveLength(1);
	});
});
