import type Stripe from 'stripe';
import { createId, nowSeconds } from '../ids';

export interface RefundFields {
	charge: Stripe.Charge;
	amount: number;
	reason: Stripe.Refund.Reason | null;
	metadata: Record<string, string>;
}

/** Card refunds in test mode succeed at once. */
export function buildRefund({ charge, amount, reason, metadata }: RefundFields): Stripe.Refund {
	return {
		id: createId('re'),
		object: 'refund',
		amount,
		balance_transaction: null,
		charge: charge.id,
		created: nowSeconds(),
		currency: charge.currency,
		customer: charge.customer,
		customer_account: null,
		metadata,
		payment_intent: charge.payment_intent,
		payment_method: null,
		reason,
		receipt_number: null,
		source_transfer_reversal: null,
		status: 'succeeded',
		transfer_reversal: null
	};
}
