import type Stripe from 'stripe';
import { createId, nowSeconds } from '../ids';

export interface CardDetails {
	brand: string;
	last4: string;
	expMonth: number;
	expYear: number;
}

export interface ChargeFields {
	paymentIntent: Stripe.PaymentIntent;
	paymentMethod: Stripe.PaymentMethod;
	/** Where the emulator serves its receipt pages. */
	publicUrl: string;
	card: CardDetails | null;
	failure: { code: string; declineCode: string | null; message: string } | null;
}

/** A charge for the whole payment intent: succeeded, or failed with the decline's reason. */
export function buildCharge({
	paymentIntent,
	paymentMethod,
	publicUrl,
	card,
	failure
}: ChargeFields): Stripe.Charge {
	const paid = failure === null;
	const id = createId('ch');
	return {
		id,
		object: 'charge',
		amount: paymentIntent.amount,
		amount_captured: paid ? paymentIntent.amount : 0,
		amount_refunded: 0,
		application: null,
		application_fee: null,
		application_fee_amount: null,
		balance_transaction: null,
		billing_details: paymentMethod.billing_details,
		calculated_statement_descriptor: 'CREDITS',
		captured: paid,
		created: nowSeconds(),
		currency: paymentIntent.currency,
		customer: paymentIntent.customer,
		description: paymentIntent.description,
		disputed: false,
		failure_balance_transaction: null,
		failure_code: failure?.code ?? null,
		failure_message: failure?.message ?? null,
		fraud_details: {},
		livemode: false,
		metadata: { ...paymentIntent.metadata },
		on_behalf_of: null,
		outcome: buildOutcome(failure),
		paid,
		payment_intent: paymentIntent.id,
		payment_method: paymentMethod.id,
		payment_method_details: card
			? { type: 'card', card: buildCardDetails(card) }
			: { type: 'us_bank_account' },
		receipt_email: paymentIntent.receipt_email,
		receipt_number: null,
		receipt_url: paid ? `${publicUrl}/receipts/payment/${id}` : null,
		refunded: false,
		review: null,
		shipping: null,
		source: null,
		source_transfer: null,
		statement_descriptor: null,
		statement_descriptor_suffix: null,
		status: paid ? 'succeeded' : 'failed',
		transfer_data: null,
		transfer_group: null
	};
}

function buildOutcome(failure: ChargeFields['failure']): Stripe.Charge.Outcome {
	return {
		advice_code: null,
		network_advice_code: null,
		network_decline_code: null,
		network_status: failure ? 'declined_by_network' : 'approved_by_network',
		reason: failure?.declineCode ?? null,
		seller_message: failure
			? 'The bank did not return any further details with this decline.'
			: 'Payment complete.',
		type: failure ? 'issuer_declined' : 'authorized'
	};
}

function buildCardDetails(card: CardDetails): Stripe.Charge.PaymentMethodDetails.Card {
	return {
		amount_authorized: null,
		authorization_code: null,
		brand: card.brand,
		checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
		country: 'US',
		electronic_commerce_indicator: null,
		exp_month: card.expMonth,
		exp_year: card.expYear,
		funding: 'credit',
		installments: null,
		last4: card.last4,
		mandate: null,
		network: card.brand,
		network_transaction_id: null,
		regulated_status: 'unregulated',
		three_d_secure: null,
		transaction_link_id: null,
		wallet: null
	};
}
