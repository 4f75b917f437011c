import { refreshNextExpiry, reloadAccount, type AccountState } from './accounts';
import type { Context } from './context';
import { internalKeyPrefix } from './errors';
import { expireDueLots, repayDebt } from './lots';
import { findHold, resolveHold } from './resolve-hold';

export type ExpirySummary = { accounts: number; lots: number; holds: number; credits: number };

/** After credits come back to lots: expire what is due, repay any debt, recompute the expiry hint. */
export function expireLotsAndRepayDebt(ctx: Context, account: AccountState) {
	const expired = expireDueLots(ctx, account);
	repayDebt(ctx, account);
	refreshNextExpiry(ctx, account);
	return expired;
}

/** Voids the account's due holds, then expires its due lots (including credits those holds returned). */
export function expireAccount(ctx: Context, account: AccountState) {
	const holdIds = ctx.sql.dueHolds.all(account.id, ctx.now()) as number[];
	for (const holdId of holdIds) {
		const hold = findHold(ctx, holdId)!;
		resolveHold(ctx, account, hold, {
			status: 'expired',
			captured: 0,
			key: `${internalKeyPrefix}expire:hold:${holdId}`,
			reason: 'hold expired',
			actor: 'system'
		});
	}
	const expired = expireLotsAndRepayDebt(ctx, account);
	return { lots: expired.lots, holds: holdIds.length, credits: expired.credits };
}

/** Run inside every operation on an account, before its balance is checked. */
export function expireIfDue(ctx: Context, account: AccountState) {
	if (account.nextExpiryAt !== null && account.nextExpiryAt <= ctx.now())
		expireAccount(ctx, account);
}

/** Accounts the sweep expires per transaction (on both backends), so writers are not blocked long. */
export const sweepBatchSize = 200;

/** Expires every due lot and hold, a batch of accounts per transaction. */
export function sweepExpired(ctx: Context, batchSize = sweepBatchSize): ExpirySummary {
	const summary: ExpirySummary = { accounts: 0, lots: 0, holds: 0, credits: 0 };
	for (;;) {
		const done = ctx.immediate(() => {
			const ids = ctx.sql.dueAccounts.all(ctx.now(), batchSize) as { id: number }[];
			for (const { id } of ids) {
				const expired = expireAccount(ctx, reloadAccount(ctx, id));
				summary.lots += expired.lots;
				summary.holds += expired.holds;
				summary.credits += expired.credits;
			}
			summary.accounts += ids.length;
			return ids.length < batchSize;
		});
		if (done) return summary;
	}
}
