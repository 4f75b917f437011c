import type Stripe from 'stripe';
import { createId, nowSeconds } from '../ids';
import type { CardDetails } from './charge';

export interface PaymentMethodFields {
	card: CardDetails | null;
	email: string | null;
	address: Stripe.Address;
	customer: string | null;
}

/** What the customer paid with on the hosted page: a card, or (a delayed payment) a US bank account. */
export function buildPaymentMethod({
	card,
	email,
	address,
	customer
}: PaymentMethodFields): Stripe.PaymentMethod {
	const method: Stripe.PaymentMethod = {
		id: createId('pm'),
		object: 'payment_method',
		allow_redisplay: 'limited',
		billing_details: { address, email, name: null, phone: null, tax_id: null },
		created: nowSeconds(),
		customer,
		customer_account: null,
		livemode: false,
		metadata: {},
		type: card ? 'card' : 'us_bank_account'
	};
	if (card) method.card = buildCard(card, address.country);
	else method.us_bank_account = TEST_BANK_ACCOUNT;
	return method;
}

function buildCard(card: CardDetails, country: string | null): Stripe.PaymentMethod.Card {
	return {
		brand: card.brand,
		checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
		country,
		display_brand: card.brand,
		exp_month: card.expMonth,
		exp_year: card.expYear,
		funding: 'credit',
		generated_from: null,
		last4: card.last4,
		networks: { available: [card.brand], preferred: null },
		regulated_status: 'unregulated',
		three_d_secure_usage: { supported: true },
		wallet: null
	};
}

/** Stripe's test bank account (routing 110000000, account 000123456789). */
const TEST_BANK_ACCOUNT: Stripe.PaymentMethod.UsBankAccount = {
	account_holder_type: 'individual',
	account_type: 'checking',
	bank_name: 'STRIPE TEST BANK',
	financial_connections_account: null,
	fingerprint: null,
	last4: '6789',
	networks: { preferred: 'ach', supported: ['ach'] },
	routing_number: '110000000',
	status_details: null
};
