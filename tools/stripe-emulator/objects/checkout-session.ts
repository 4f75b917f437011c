import type Stripe from 'stripe';
import { nowSeconds } from '../ids';

export interface SessionFields {
	id: string;
	url: string;
	amount: number;
	currency: string;
	customer: string | null;
	customerEmail: string | null;
	clientReferenceId: string | null;
	customerCreation: Stripe.Checkout.Session.CustomerCreation | null;
	metadata: Record<string, string>;
	paymentMethodTypes: string[];
	successUrl: string | null;
	cancelUrl: string | null;
	expiresAt: number;
}

/** A new `payment` mode session, open and unpaid, with every field Stripe's type requires. */
export function buildCheckoutSession(fields: SessionFields): Stripe.Checkout.Session {
	return {
		id: fields.id,
		object: 'checkout.session',
		adaptive_pricing: null,
		after_expiration: null,
		allow_promotion_codes: null,
		allowed_payment_method_types: null,
		amount_subtotal: fields.amount,
		amount_total: fields.amount,
		automatic_tax: { enabled: false, liability: null, provider: null, status: null },
		billing_address_collection: null,
		cancel_url: fields.cancelUrl,
		client_reference_id: fields.clientReferenceId,
		client_secret: null,
		collected_information: null,
		consent: null,
		consent_collection: null,
		created: nowSeconds(),
		currency: fields.currency,
		currency_conversion: null,
		custom_fields: [],
		custom_text: {
			after_submit: null,
			shipping_address: null,
			submit: null,
			terms_of_service_acceptance: null
		},
		customer: fields.customer,
		customer_account: null,
		customer_creation: fields.customerCreation,
		customer_details: null,
		customer_email: fields.customerEmail,
		discounts: [],
		expires_at: fields.expiresAt,
		integration_identifier: null,
		invoice: null,
		invoice_creation: null,
		livemode: false,
		locale: null,
		managed_payments: null,
		metadata: fields.metadata,
		mode: 'payment',
		origin_context: null,
		payment_intent: null,
		payment_link: null,
		payment_method_collection: null,
		payment_method_configuration_details: null,
		payment_method_options: {},
		payment_method_types: fields.paymentMethodTypes,
		payment_status: 'unpaid',
		permissions: null,
		recovered_from: null,
		saved_payment_method_options: null,
		setup_intent: null,
		shipping_address_collection: null,
		shipping_cost: null,
		shipping_options: [],
		status: 'open',
		submit_type: null,
		subscription: null,
		success_url: fields.successUrl,
		total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
		ui_mode: 'hosted_page',
		url: fields.url,
		wallet_options: null
	};
}

export function buildCustomerDetails(
	email: string | null,
	address: Stripe.Address
): Stripe.Checkout.Session.CustomerDetails {
	return {
		address,
		business_name: null,
		email,
		individual_name: null,
		name: null,
		phone: null,
		tax_exempt: 'none',
		tax_ids: []
	};
}
