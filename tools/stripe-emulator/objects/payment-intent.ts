import type Stripe from 'stripe';
import { createId, nowSeconds } from '../ids';

export interface PaymentIntentFields {
	amount: number;
	currency: string;
	customer: string | null;
	description: string | null;
	metadata: Record<string, string>;
	paymentMethodType: string;
	receiptEmail: string | null;
}

/** A payment intent as Checkout creates it when the customer submits the page. */
export function buildPaymentIntent(fields: PaymentIntentFields): Stripe.PaymentIntent {
	const id = createId('pi');
	return {
		id,
		object: 'payment_intent',
		allowed_payment_method_types: null,
		amount: fields.amount,
		amount_capturable: 0,
		amount_received: 0,
		application: null,
		application_fee_amount: null,
		automatic_payment_methods: null,
		canceled_at: null,
		cancellation_reason: null,
		capture_method: 'automatic_async',
		client_secret: `${id}_secret_${createId('s').slice(2)}`,
		confirmation_method: 'automatic',
		created: nowSeconds(),
		currency: fields.currency,
		customer: fields.customer,
		customer_account: null,
		description: fields.description,
		excluded_payment_method_types: null,
		last_payment_error: null,
		latest_charge: null,
		livemode: false,
		managed_payments: null,
		metadata: fields.metadata,
		next_action: null,
		on_behalf_of: null,
		payment_method: null,
		payment_method_configuration_details: null,
		payment_method_options: {},
		payment_method_types: [fields.paymentMethodType],
		payment_record: null,
		processing: null,
		receipt_email: fields.receiptEmail,
		review: null,
		setup_future_usage: null,
		shipping: null,
		source: null,
		statement_descriptor: null,
		statement_descriptor_suffix: null,
		status: 'requires_payment_method',
		transfer_group: null
	};
}

/** The error Stripe leaves on a payment intent after a failed attempt. */
export function buildPaymentError(
	type: Stripe.PaymentIntent.LastPaymentError.Type,
	code: string,
	declineCode: string | null,
	message: string,
	chargeId: string | null
) {
	const error: Stripe.PaymentIntent.LastPaymentError = { type, code, message };
	if (declineCode) error.decline_code = declineCode;
	if (chargeId) error.charge = chargeId;
	return error;
}
