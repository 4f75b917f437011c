import type Stripe from 'stripe';
import { createId, nowSeconds } from '../ids';

const DAY_SECONDS = 24 * 60 * 60;

export interface BalanceTransactionFields {
	/** Signed: money in is positive, money out negative. */
	amount: number;
	currency: string;
	fee: number;
	type: Stripe.BalanceTransaction.Type;
	reportingCategory: string;
	source: string;
	description: string | null;
}

/** A movement of the account's balance, as Stripe records one for each charge, refund and dispute. */
export function buildBalanceTransaction(
	fields: BalanceTransactionFields
): Stripe.BalanceTransaction {
	const created = nowSeconds();
	return {
		id: createId('txn'),
		object: 'balance_transaction',
		amount: fields.amount,
		available_on: created + 2 * DAY_SECONDS,
		balance_type: 'payments',
		created,
		currency: fields.currency,
		description: fields.description,
		exchange_rate: null,
		fee: fields.fee,
		fee_details:
			fields.fee === 0
				? []
				: [
						{
							amount: fields.fee,
							application: null,
							currency: fields.currency,
							description: 'Stripe processing fees',
							type: 'stripe_fee'
						}
					],
		net: fields.amount - fields.fee,
		reporting_category: fields.reportingCategory,
		source: fields.source,
		status: 'pending',
		type: fields.type
	};
}
