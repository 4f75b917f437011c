import type Stripe from 'stripe';
import { packages } from '../../src/lib/credits/packages';
import type { ServerProcess } from './server-process';
import { expectedLedger, type ExpectedLedger } from './storm-plan';
import type { MadePurchase } from './storm-shop';

// Types with a handler in src/lib/server/stripe/events.ts that the storm's purchases send.
export const handledTypes = new Set([
	'checkout.session.completed',
	'checkout.session.async_payment_succeeded',
	'payment_intent.succeeded',
	'charge.succeeded',
	'charge.updated',
	'charge.refunded',
	'charge.dispute.created',
	'charge.dispute.funds_withdrawn',
	'charge.dispute.closed',
	'charge.dispute.funds_reinstated'
]);

/** The purchase's expected ledger from Stripe's own session, charge and dispute. */
export async function expectedFromStripe(
	stripe: Stripe,
	purchase: MadePurchase
): Promise<ExpectedLedger> {
	const session = await stripe.checkout.sessions.retrieve(purchase.sessionId);
	const charge = await stripe.charges.retrieve(purchase.chargeId);
	const dispute = purchase.disputeId ? await stripe.disputes.retrieve(purchase.disputeId) : null;
	const pkg = packages.find((candidate) => candidate.id === session.metadata!.package_id)!;
	return expectedLedger({
		credits: pkg.credits,
		amountMinor: charge.amount,
		amountRefundedMinor: charge.amount_refunded,
		disputeStatus: dispute?.status ?? null
	});
}

export function netOf({ transfers }: ExpectedLedger): number {
	return transfers.purchase - transfers.refund - transfers.dispute + transfers.reinstate;
}

/** The purchase's transfers by code (one `purchase` transfer, whatever number of the others), as stored. */
export async function ledgerOf(server: ServerProcess, purchaseId: string) {
	const [row] = await server.query<{ status: string; disputeStatus: string | null }>(
		'select status, dispute_status as "disputeStatus" from purchases where id = ?',
		purchaseId
	);
	const sums = await server.query<{ code: string; count: number; credits: number }>(
		'select code, count(*) as count, sum(amount) as credits from transfers where reference = ? group by code',
		purchaseId
	);
	const credits = (code: string) => sums.find((sum) => sum.code === code)?.credits ?? 0;
	const purchaseTransfers = sums.find((sum) => sum.code === 'purchase')?.count ?? 0;
	return {
		transfers: {
			purchase: purchaseTransfers === 1 ? credits('purchase') : `${purchaseTransfers} transfers`,
			refund: credits('refund'),
			dispute: credits('dispute'),
			reinstate: credits('reinstate')
		},
		status: row.status,
		disputeStatus: row.disputeStatus
	};
}
