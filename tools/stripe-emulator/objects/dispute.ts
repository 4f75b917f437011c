import type Stripe from 'stripe';
import { createId, nowSeconds } from '../ids';

const EVIDENCE_WINDOW_SECONDS = 7 * 24 * 60 * 60;

/** A newly opened dispute that needs a response, as Stripe reports a chargeback. */
export function buildDispute(
	charge: Stripe.Charge,
	amount: number,
	reason: string
): Stripe.Dispute {
	return {
		id: createId('dp'),
		object: 'dispute',
		amount,
		balance_transactions: [],
		charge: charge.id,
		created: nowSeconds(),
		currency: charge.currency,
		enhanced_eligibility_types: [],
		evidence: buildEmptyEvidence(),
		evidence_details: {
			due_by: nowSeconds() + EVIDENCE_WINDOW_SECONDS,
			enhanced_eligibility: {},
			has_evidence: false,
			past_due: false,
			submission_count: 0,
			submission_method: 'not_submitted'
		},
		intended_submission_method: null,
		is_charge_refundable: false,
		livemode: false,
		metadata: {},
		payment_intent:
			typeof charge.payment_intent === 'string'
				? charge.payment_intent
				: (charge.payment_intent?.id ?? null),
		reason,
		status: 'needs_response'
	};
}

function buildEmptyEvidence(): Stripe.Dispute.Evidence {
	return {
		access_activity_log: null,
		billing_address: null,
		cancellation_policy: null,
		cancellation_policy_disclosure: null,
		cancellation_rebuttal: null,
		customer_communication: null,
		customer_email_address: null,
		customer_name: null,
		customer_purchase_ip: null,
		customer_signature: null,
		duplicate_charge_documentation: null,
		duplicate_charge_explanation: null,
		duplicate_charge_id: null,
		enhanced_evidence: {},
		product_description: null,
		receipt: null,
		refund_policy: null,
		refund_policy_disclosure: null,
		refund_refusal_explanation: null,
		service_date: null,
		service_documentation: null,
		shipping_address: null,
		shipping_carrier: null,
		shipping_date: null,
		shipping_documentation: null,
		shipping_tracking_number: null,
		uncategorized_file: null,
		uncategorized_text: null
	};
}
