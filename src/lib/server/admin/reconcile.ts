import type Stripe from 'stripe';
import type { Db } from '../db';
import { perform } from '../db/unit';
import { describeStripeError } from '../stripe/client';
import { reconcileStripe } from '../stripe/reconcile';
import type { ReconcileSummary } from '../../types';
import { recordAudit, type Actor } from './audit';

export type ReconcileOutcome =
	{ ok: true; summary: ReconcileSummary } | { ok: false; message: string };

/** The admin button: the last 3 days, as the timer and `npm run stripe:reconcile` do, and logged. */
export async function reconcileAsAdmin(
	db: Db,
	stripe: Stripe,
	actor: Actor
): Promise<ReconcileOutcome> {
	try {
		const summary = await reconcileStripe(db, stripe);
		await perform(
			db,
			recordAudit(db, actor, {
				action: 'reconcile',
				outcome: 'ok',
				target: 'stripe',
				amount: summary.repaired.length,
				detail: describeSummary(summary)
			})
		);
		return { ok: true, summary };
	} catch (error) {
		const message = describeStripeError(error);
		await perform(
			db,
			recordAudit(db, actor, {
				action: 'reconcile',
				outcome: 'failed',
				target: 'stripe',
				detail: message
			})
		);
		return { ok: false, message };
	}
}

function describeSummary({ repairs, problems }: ReconcileSummary): string {
	const repaired = Object.entries(repairs)
		.filter(([, count]) => count > 0)
		.map(([kind, count]) => `${count} ${kind}`);
	return [
		repaired.length > 0 ? `repaired ${repaired.join(', ')}` : 'nothing to repair',
		...problems.map((problem) => `${problem.code} ${problem.purchaseId ?? problem.stripeId ?? ''}`)
	].join('; ');
}
