import type { Db } from '../db';
import { transaction } from '../db/unit';
import { recordAudit, type Actor } from './audit';
import { resolveMismatch, type MismatchDecision, type MismatchResolution } from './purchases';

/**
 * An admin's decision on a mismatched purchase, and its audit entry, committed together. A purchase id
 * that names nothing writes nothing; one no longer awaiting review is logged as refused.
 */
export function reviewMismatch(
	db: Db,
	actor: Actor,
	purchaseId: string,
	{ decision, reason }: Omit<MismatchDecision, 'adminId'>
): Promise<MismatchResolution> {
	return transaction(db, function* (tx) {
		const result = yield* resolveMismatch(tx, purchaseId, { decision, reason, adminId: actor.id });
		if (!result.ok && result.code === 'purchase_not_found') return result;
		yield* recordAudit(tx, actor, {
			action: 'resolve_mismatch',
			outcome: result.ok ? 'ok' : 'refused',
			target: `purchase:${purchaseId}`,
			amount: result.ok && result.status === 'paid' ? result.credits : undefined,
			reason,
			detail: detailOf(result)
		});
		return result;
	});
}

function detailOf(result: MismatchResolution) {
	if (!result.ok) return result.message;
	return result.status === 'paid'
		? `Credited ${result.credits} credits`
		: 'Rejected; no credits added';
}
