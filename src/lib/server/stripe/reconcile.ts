import { and, gte, inArray } from 'drizzle-orm';
import type Stripe from 'stripe';
import { dayMs } from '../../time';
import type {
	ReconcileProblem,
	ReconcileRepairKind,
	ReconcileSummary
} from '../../types/reconcile';
import type { Db } from '../db';
import { perform } from '../db/unit';
import { purchases, type Purchase, type PurchaseStatus } from '../db/schema';
import { findPurchase, findPurchaseOf } from '../purchases';
import { handleStripeEvent } from './events';
import { creditedStates } from './fulfil';
import { disputeStatusOf } from './reversals';
import { idOf } from './objects';

export const reconcileWindowMs = 3 * dayMs;

export type ReconcileOptions = { since?: Date; dryRun?: boolean };

/** What Stripe knows about one purchase, gathered from the window's lists. */
type Payment = {
	purchase: Purchase;
	session?: Stripe.Checkout.Session;
	charges: Map<string, Stripe.Charge>;
	disputes: Map<string, Stripe.Dispute>;
};

const creditableStates: PurchaseStatus[] = ['pending', 'processing', 'failed', 'expired'];

/**
 * Compares Stripe's Checkout Sessions, charges, refunds and disputes created since `since` with the
 * purchases and their ledger transfers, and applies what a missed webhook would have, through the
 * webhook's own idempotent handlers, so a second run repairs nothing. What no handler may decide
 * (a wrong amount, a credit Stripe has no payment for) is reported instead.
 */
export async function reconcileStripe(
	db: Db,
	stripe: Stripe,
	{ since = new Date(Date.now() - reconcileWindowMs), dryRun = false }: ReconcileOptions = {}
): Promise<ReconcileSummary> {
	const after = Math.floor(since.getTime() / 1000);
	const [sessions, charges, refunds, disputes] = await Promise.all([
		createdSince(stripe.checkout.sessions.list({ limit: 100 }), after),
		createdSince(stripe.charges.list({ limit: 100 }), after),
		createdSince(stripe.refunds.list({ limit: 100 }), after),
		createdSince(stripe.disputes.list({ limit: 100 }), after)
	]);
	const summary: ReconcileSummary = {
		since,
		dryRun,
		checked: {
			sessions: sessions.length,
			charges: charges.length,
			refunds: refunds.length,
			disputes: disputes.length,
			purchases: 0
		},
		repairs: { credit: 0, refund: 0, dispute_opened: 0, dispute_won: 0 },
		repaired: [],
		problems: []
	};
	const report = (problem: ReconcileProblem) => {
		const known = summary.problems.some(
			(p) => p.code === problem.code && p.purchaseId === problem.purchaseId
		);
		if (!known) summary.problems.push(problem);
	};

	const payments = new Map<string, Payment>();
	const paymentOf = async (
		metadata: Stripe.Metadata | null,
		column: 'checkoutSessionId' | 'paymentIntentId',
		stripeId: string | null
	) => {
		const purchase = await perform(db, findPurchaseOf(db, metadata, column, stripeId));
		if (!purchase) {
			// Payments without our metadata belong to something else on the same Stripe account.
			if (metadata?.purchase_id)
				report({
					code: 'unknown_purchase',
					purchaseId: metadata.purchase_id,
					stripeId,
					message: `Stripe has a payment (${stripeId}) for purchase ${metadata.purchase_id}, which this database does not have`
				});
			return undefined;
		}
		let payment = payments.get(purchase.id);
		if (!payment) {
			payment = { purchase, charges: new Map(), disputes: new Map() };
			payments.set(purchase.id, payment);
		}
		return payment;
	};

	for (const session of sessions.filter(isPaid)) {
		const payment = await paymentOf(session.metadata, 'checkoutSessionId', session.id);
		if (payment) payment.session = session;
	}
	const chargeById = new Map(charges.map((charge) => [charge.id, charge]));
	const chargeOf = async (reference: string | { id: string } | null) => {
		const id = idOf(reference);
		if (!id) return undefined;
		if (!chargeById.has(id)) chargeById.set(id, await stripe.charges.retrieve(id));
		return chargeById.get(id);
	};
	for (const refund of refunds) await chargeOf(refund.charge);
	for (const dispute of disputes) {
		const charge = await chargeOf(dispute.charge);
		if (charge)
			(
				await paymentOf(charge.metadata, 'paymentIntentId', idOf(charge.payment_intent))
			)?.disputes.set(dispute.id, dispute);
	}
	for (const charge of chargeById.values()) {
		if (charge.status !== 'succeeded') continue;
		(await paymentOf(charge.metadata, 'paymentIntentId', idOf(charge.payment_intent)))?.charges.set(
			charge.id,
			charge
		);
	}
	// A disputed purchase's dispute may have closed long after it was opened, outside the window.
	for (const purchase of await purchasesToCheck(db, since)) {
		const payment = (await paymentOf({ purchase_id: purchase.id }, 'checkoutSessionId', null))!;
		if (purchase.status === 'disputed' && purchase.paymentIntentId)
			for await (const dispute of stripe.disputes.list({
				payment_intent: purchase.paymentIntentId,
				limit: 100
			}))
				payment.disputes.set(dispute.id, dispute);
	}

	summary.checked.purchases = payments.size;
	for (const payment of payments.values()) {
		if (!payment.session && payment.purchase.checkoutSessionId) {
			const session = await stripe.checkout.sessions.retrieve(payment.purchase.checkoutSessionId);
			if (isPaid(session)) payment.session = session;
		}
		await reconcilePayment(db, stripe, payment, summary, report);
	}
	return summary;
}

/** Credit before reversal: each step runs the handler of the event that was missed, then checks it took. */
async function reconcilePayment(
	db: Db,
	stripe: Stripe,
	{ purchase, session, charges, disputes }: Payment,
	summary: ReconcileSummary,
	report: (problem: ReconcileProblem) => void
) {
	const { dryRun } = summary;
	let current = purchase;
	const repair = async (
		kinds: ReconcileRepairKind | ReconcileRepairKind[],
		stripeId: string,
		type: string,
		object: unknown,
		done: (after: Purchase) => boolean
	) => {
		const applied = [kinds].flat();
		const count = (by: 1 | -1) => applied.forEach((kind) => (summary.repairs[kind] += by));
		const entries = applied.map((kind) => ({ kind, purchaseId: purchase.id, stripeId }));
		summary.repaired.push(...entries);
		count(1);
		if (dryRun) return;
		const outcome = await handleStripeEvent(db, stripe, {
			id: `reconcile:${stripeId}`,
			type,
			data: { object }
		});
		current = (await perform(db, findPurchase(db, purchase.id)))!;
		if (done(current)) return;
		summary.repaired.splice(-entries.length);
		count(-1);
		if (current.status === 'mismatch') return;
		report({
			code: 'repair_failed',
			purchaseId: purchase.id,
			stripeId,
			message: `Applying ${type} changed nothing: ${outcome.note ?? outcome.outcome}`
		});
	};

	if (session && creditableStates.includes(current.status))
		await repair('credit', session.id, 'checkout.session.completed', session, (after) =>
			creditedStates.includes(after.status)
		);
	if (current.status === 'mismatch')
		return report({
			code: 'amount_mismatch',
			purchaseId: purchase.id,
			stripeId: session?.id ?? current.paymentIntentId,
			message:
				current.failureReason ??
				`The payment does not match purchase ${purchase.id}'s price; resolve it on the dashboard`
		});
	const credited =
		creditedStates.includes(current.status) ||
		summary.repaired.some((r) => r.purchaseId === purchase.id);
	if (!credited) return;
	if (!session)
		return report({
			code: 'credit_without_payment',
			purchaseId: purchase.id,
			stripeId: current.checkoutSessionId,
			message: `Purchase ${purchase.id} was credited ${current.credits} credits but Stripe has no paid Checkout Session for it`
		});

	for (const charge of charges.values())
		if (charge.amount_refunded > current.amountRefundedMinor)
			await repair(
				'refund',
				charge.id,
				'charge.refunded',
				charge,
				(after) => after.amountRefundedMinor >= charge.amount_refunded
			);

	for (const dispute of [...disputes.values()].sort((a, b) => a.created - b.created)) {
		// One handler call applies the dispute as Stripe has it now: opened, and won if it was.
		const won = disputeStatusOf(dispute.status) === 'won';
		const kinds: ReconcileRepairKind[] = [];
		if (current.disputeStatus === null) kinds.push('dispute_opened');
		if (won && current.disputeStatus !== 'won') kinds.push('dispute_won');
		if (kinds.length > 0)
			await repair(
				kinds,
				dispute.id,
				won ? 'charge.dispute.closed' : 'charge.dispute.created',
				dispute,
				(after) => (won ? after.disputeStatus === 'won' : after.disputeStatus !== null)
			);
	}
}

function isPaid(session: Stripe.Checkout.Session): boolean {
	return session.status === 'complete' && session.payment_status === 'paid';
}

/** Purchases credited in the window (each must have a paid session) and every disputed one. */
async function purchasesToCheck(db: Db, since: Date): Promise<Purchase[]> {
	const credited = await db
		.select()
		.from(purchases)
		.where(and(inArray(purchases.status, creditedStates), gte(purchases.paidAt, since)));
	const disputed = await db
		.select()
		.from(purchases)
		.where(inArray(purchases.status, ['disputed']));
	return credited.concat(disputed);
}

/** A list's items created at or after `after` (seconds): Stripe lists newest first, so it stops at the first older one. */
async function createdSince<T extends { created: number }>(
	list: AsyncIterable<T>,
	after: number
): Promise<T[]> {
	const items: T[] = [];
	for await (const item of list) {
		if (item.created < after) break;
		items.push(item);
	}
	return items;
}
