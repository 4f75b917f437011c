import type Stripe from 'stripe';
import { formatMoney } from '../../format';
import type { RefundView } from '../../types';
import type { Db } from '../db';
import { perform } from '../db/unit';
import type { Purchase } from '../db/schema';
import { findPurchase } from '../purchases';
import { describeStripeError } from '../stripe/client';
import { recordAudit, type Actor } from './audit';

export type RefundSummary = RefundView;

export type RefundRequest = { purchaseId: string; amount?: number; idempotencyKey: string };
export type RefundRefusal =
	'purchase_not_found' | 'not_refundable' | 'charge_disputed' | 'amount_too_large' | 'stripe_error';
export type RefundResult =
	| { ok: true; refund: RefundSummary; replayed: boolean }
	| { ok: false; code: RefundRefusal; message: string };

// A refund that failed or was canceled gave no money back.
const moneyBackStatuses = ['pending', 'succeeded', 'requires_action'];

/** The purchase's refunds as Stripe has them, oldest first. */
export async function listPurchaseRefunds(
	stripe: Stripe,
	purchase: Purchase
): Promise<RefundSummary[]> {
	return summarise(await fetchRefunds(stripe, purchase), purchase.amountRefundedMinor);
}

async function fetchRefunds(stripe: Stripe, purchase: Purchase): Promise<Stripe.Refund[]> {
	if (!purchase.paymentIntentId) return [];
	const { data } = await stripe.refunds.list({
		payment_intent: purchase.paymentIntentId,
		limit: 100
	});
	return data.sort((a, b) => a.created - b.created);
}

/** Refunds are taken back oldest first, so those within the amount `charge.refunded` confirmed are done. */
function summarise(refunds: Stripe.Refund[], confirmedRefunded: number): RefundSummary[] {
	let confirmed = confirmedRefunded;
	return refunds.map((refund) => {
		const clawedBack = givesMoneyBack(refund) && refund.amount <= confirmed;
		if (clawedBack) confirmed -= refund.amount;
		return {
			id: refund.id,
			amount: refund.amount,
			currency: refund.currency,
			status: refund.status ?? 'pending',
			createdAt: new Date(refund.created * 1000),
			clawedBack
		};
	});
}

function givesMoneyBack(refund: Stripe.Refund) {
	return moneyBackStatuses.includes(refund.status ?? 'pending');
}

/**
 * Asks Stripe to refund (part of) a purchase. Nothing changes here: the credits are taken back when
 * Stripe's `charge.refunded` arrives, so the ledger follows the money. The same `idempotencyKey`
 * twice refunds once and answers with the first refund.
 */
export async function refundPurchase(
	db: Db,
	stripe: Stripe,
	admin: Actor,
	request: RefundRequest
): Promise<RefundResult> {
	const purchase = await perform(db, findPurchase(db, request.purchaseId));
	if (!purchase)
		return { ok: false, code: 'purchase_not_found', message: 'No purchase has that id.' };
	const audit = (outcome: 'ok' | 'refused' | 'failed', detail: string, amount = request.amount) =>
		perform(
			db,
			recordAudit(db, admin, {
				action: 'refund',
				outcome,
				target: `purchase:${purchase.id}`,
				amount,
				idempotencyKey: request.idempotencyKey,
				detail
			})
		);
	const refused = async (code: RefundRefusal, message: string): Promise<RefundResult> => {
		await audit(code === 'stripe_error' ? 'failed' : 'refused', message);
		return { ok: false, code, message };
	};

	const state = refusalOf(purchase);
	if (state) return refused(state.code, state.message);
	try {
		const refunds = await fetchRefunds(stripe, purchase);
		const first = refunds.findIndex(
			(refund) => refund.metadata?.idempotency_key === request.idempotencyKey
		);
		if (first >= 0)
			return {
				ok: true,
				refund: summarise(refunds, purchase.amountRefundedMinor)[first],
				replayed: true
			};

		const given = refunds.filter(givesMoneyBack).reduce((sum, refund) => sum + refund.amount, 0);
		const remainder = purchase.amountMinor - Math.max(given, purchase.amountRefundedMinor);
		const money = (amount: number) => formatMoney(amount, purchase.currency);
		if (remainder <= 0)
			return await refused('not_refundable', 'This purchase has already been refunded in full.');
		const amount = request.amount ?? remainder;
		if (amount > remainder)
			return await refused(
				'amount_too_large',
				`At most ${money(remainder)} of this purchase can still be refunded.`
			);

		const refund = await stripe.refunds.create(
			{
				payment_intent: purchase.paymentIntentId!,
				amount,
				metadata: { purchase_id: purchase.id, idempotency_key: request.idempotencyKey }
			},
			{ idempotencyKey: `admin-refund:${request.idempotencyKey}:${amount}` }
		);
		await audit('ok', `Refund ${refund.id} of ${money(amount)} requested`, amount);
		return { ok: true, replayed: false, refund: summarise([refund], 0)[0] };
	} catch (error) {
		return await refused('stripe_error', describeStripeError(error));
	}
}

function refusalOf(purchase: Purchase): { code: RefundRefusal; message: string } | null {
	switch (purchase.status) {
		case 'paid':
		case 'partially_refunded':
			return purchase.paymentIntentId
				? null
				: { code: 'not_refundable', message: 'No Stripe payment is known for this purchase.' };
		case 'disputed':
			return {
				code: 'charge_disputed',
				message: 'The charge is disputed: the card holder’s bank decides, so it cannot be refunded.'
			};
		case 'refunded':
			return {
				code: 'not_refundable',
				message: 'This purchase has already been refunded in full.'
			};
		default:
			return {
				code: 'not_refundable',
				message: `Only a paid purchase can be refunded; this one is ${purchase.status.replace('_', ' ')}.`
			};
	}
}
