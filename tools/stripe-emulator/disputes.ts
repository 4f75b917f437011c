import type Stripe from 'stripe';
import type { Emulator } from './emulator';
import { invalidRequest } from './errors';
import { emitEvent } from './events';
import { recordDisputeFunds } from './funds';
import { buildDispute } from './objects/dispute';

const OPEN_STATUSES = new Set([
	'needs_response',
	'under_review',
	'warning_needs_response',
	'warning_under_review'
]);

/** A chargeback on a paid charge, as a cardholder's bank would open it. */
export function openDispute(
	emulator: Emulator,
	charge: Stripe.Charge,
	amount: number | undefined,
	reason: string
): Stripe.Dispute {
	if (charge.status !== 'succeeded')
		throw invalidRequest(
			`Charge ${charge.id} did not succeed, so it cannot be disputed.`,
			'charge'
		);
	const open = emulator.store.disputes
		.newestFirst()
		.find((dispute) => dispute.charge === charge.id && OPEN_STATUSES.has(dispute.status));
	if (open)
		throw invalidRequest(`Charge ${charge.id} already has an open dispute (${open.id}).`, 'charge');
	if (amount !== undefined && (amount < 1 || amount > charge.amount)) {
		throw invalidRequest(
			`A dispute amount must be between 1 and the charge amount (${charge.amount}).`,
			'amount'
		);
	}
	const dispute = emulator.store.disputes.insert(
		buildDispute(charge, amount ?? charge.amount, reason)
	);
	charge.disputed = true;
	emitEvent(emulator, null, 'charge.dispute.created', dispute);
	recordDisputeFunds(emulator, dispute, 'withdrawn');
	emitEvent(emulator, null, 'charge.dispute.funds_withdrawn', dispute);
	return dispute;
}

export function closeDispute(
	emulator: Emulator,
	dispute: Stripe.Dispute,
	status: 'won' | 'lost'
): Stripe.Dispute {
	if (!OPEN_STATUSES.has(dispute.status))
		throw invalidRequest(`Dispute ${dispute.id} is already closed (${dispute.status}).`, 'dispute');
	dispute.status = status;
	emitEvent(emulator, null, 'charge.dispute.closed', dispute);
	if (status === 'won') {
		recordDisputeFunds(emulator, dispute, 'reinstated');
		emitEvent(emulator, null, 'charge.dispute.funds_reinstated', dispute);
	}
	return dispute;
}
