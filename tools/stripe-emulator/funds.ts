import type Stripe from 'stripe';
import type { Emulator } from './emulator';
import { buildBalanceTransaction } from './objects/balance-transaction';

/** Stripe's US pricing: 2.9% + 30¢ a card payment, 0.8% capped at $5 a bank debit, $15 a dispute. */
const DISPUTE_FEE = 1500;

function processingFee(charge: Stripe.Charge): number {
	if (charge.payment_method_details?.type === 'card') return Math.round(charge.amount * 0.029) + 30;
	return Math.min(Math.round(charge.amount * 0.008), 500);
}

/** The money a paid charge brings in, less Stripe's fee; the charge then names it. */
export function recordChargeFunds(emulator: Emulator, charge: Stripe.Charge): void {
	const transaction = emulator.store.balanceTransactions.insert(
		buildBalanceTransaction({
			amount: charge.amount,
			currency: charge.currency,
			fee: processingFee(charge),
			type: 'charge',
			reportingCategory: 'charge',
			source: charge.id,
			description: charge.description
		})
	);
	charge.balance_transaction = transaction.id;
}

export function recordRefundFunds(emulator: Emulator, refund: Stripe.Refund): void {
	const transaction = emulator.store.balanceTransactions.insert(
		buildBalanceTransaction({
			amount: -refund.amount,
			currency: refund.currency,
			fee: 0,
			type: 'refund',
			reportingCategory: 'refund',
			source: refund.id,
			description: 'REFUND FOR CHARGE'
		})
	);
	refund.balance_transaction = transaction.id;
}

/** A dispute takes the disputed amount and the dispute fee; winning it gives the amount back. */
export function recordDisputeFunds(
	emulator: Emulator,
	dispute: Stripe.Dispute,
	movement: 'withdrawn' | 'reinstated'
): void {
	const withdrawn = movement === 'withdrawn';
	const transaction = emulator.store.balanceTransactions.insert(
		buildBalanceTransaction({
			amount: withdrawn ? -dispute.amount : dispute.amount,
			currency: dispute.currency,
			fee: withdrawn ? DISPUTE_FEE : 0,
			type: 'adjustment',
			reportingCategory: withdrawn ? 'dispute' : 'dispute_reversal',
			source: dispute.id,
			description: `Chargeback ${withdrawn ? 'withdrawal' : 'reversal'} for ${String(dispute.charge)}`
		})
	);
	dispute.balance_transactions.push(transaction);
}
