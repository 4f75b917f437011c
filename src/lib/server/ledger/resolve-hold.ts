import { availableOf, post, type AccountState } from './accounts';
import type { Context } from './context';
import { internalKeyPrefix } from './errors';
import type { Portion } from './lots';
import type { HoldStatus } from './schema';

export type HoldRow = {
	id: number;
	accountId: number;
	userId: string;
	amount: number;
	status: HoldStatus;
};

export function findHold(ctx: Context, holdId: number) {
	return ctx.sql.holdById.get(holdId) as HoldRow | undefined;
}

export type HoldResolution = {
	status: Exclude<HoldStatus, 'pending'>;
	captured: number;
	key: string;
	hash?: string;
	reason?: string | null;
	actor: string;
};

/**
 * Resolves a pending hold: posts the captured part (taken from its reserved lots in spend order) and
 * voids the rest, which goes back to its lots. The caller's transfer is written last, so its
 * balance_after is what the caller sees; returns it with the account at that moment.
 */
export function resolveHold(
	ctx: Context,
	account: AccountState,
	hold: HoldRow,
	resolution: HoldResolution
) {
	const holdTransferId = ctx.sql.holdTransferId.get(hold.id) as { id: number };
	const reserved = ctx.sql.reservations.all(holdTransferId.id) as Portion[];
	const taken: Portion[] = [];
	let left = resolution.captured;
	for (const portion of reserved) {
		const take = Math.min(left, portion.amount);
		ctx.sql.unreserveLot.run(portion.amount, take, portion.lotId);
		if (take > 0) taken.push({ lotId: portion.lotId, amount: take });
		left -= take;
	}
	const holdSide = { holdId: hold.id, actor: resolution.actor };
	const released = hold.amount - resolution.captured;
	if (resolution.status === 'captured' && released > 0) {
		const key = `${internalKeyPrefix}release:hold:${hold.id}`;
		post(ctx, account, {
			...holdSide,
			code: 'release',
			amount: released,
			key,
			reason: 'uncaptured remainder'
		});
	}
	const transferId = post(ctx, account, {
		...holdSide,
		code:
			resolution.status === 'captured'
				? 'capture'
				: resolution.status === 'released'
					? 'release'
					: 'expire',
		amount: resolution.status === 'captured' ? resolution.captured : hold.amount,
		key: resolution.key,
		hash: resolution.hash,
		reason: resolution.reason
	});
	for (const portion of taken)
		ctx.sql.insertAllocation.run(transferId, portion.lotId, portion.amount);
	ctx.sql.markHoldResolved.run(resolution.status, resolution.captured, ctx.now(), hold.id);
	return { transferId, balance: account.balance, available: availableOf(account) };
}
