import { availableOf, post, type AccountState } from './accounts';
import type { Context } from './context';
import { internalKeyPrefix } from './errors';

/** Part of a lot taken by (or reserved for) one transfer. */
export type Portion = { lotId: number; amount: number };

type OpenLot = { id: number; unheld: number };

function openLots(ctx: Context, accountId: number) {
	return ctx.sql.openLots.all(accountId) as OpenLot[];
}

/** Plans taking up to `amount` unheld credits in spend order, from `firstLotId` first if given. */
export function planDraw(
	ctx: Context,
	accountId: number,
	amount: number,
	firstLotId?: number | null
) {
	const lots = openLots(ctx, accountId);
	const first = lots.findIndex((lot) => lot.id === firstLotId);
	if (first > 0) lots.unshift(...lots.splice(first, 1));
	const portions: Portion[] = [];
	let left = amount;
	for (const lot of lots) {
		if (left === 0) break;
		const take = Math.min(left, lot.unheld);
		portions.push({ lotId: lot.id, amount: take });
		left -= take;
	}
	return portions;
}

function totalOf(portions: Portion[]) {
	return portions.reduce((sum, portion) => sum + portion.amount, 0);
}

/** Draws the exact amount or throws: callers check `available` first, so a shortfall is a broken invariant. */
export function planExactDraw(ctx: Context, account: AccountState, amount: number) {
	// Most draws fit in the first lot: reading one row is cheaper than reading them all.
	const first = ctx.sql.firstOpenLot.get(account.id) as OpenLot | undefined;
	if (first && first.unheld >= amount) return [{ lotId: first.id, amount }];
	const portions = planDraw(ctx, account.id, amount);
	if (totalOf(portions) !== amount) {
		throw new Error(
			`ledger invariant broken: account ${account.id} lots do not cover its available credits`
		);
	}
	return portions;
}

export function consumeLots(ctx: Context, transferId: number, portions: Portion[]) {
	for (const { lotId, amount } of portions) {
		ctx.sql.consumeLot.run(amount, lotId);
		ctx.sql.insertAllocation.run(transferId, lotId, amount);
	}
}

export function reserveLots(ctx: Context, transferId: number, portions: Portion[]) {
	for (const { lotId, amount } of portions) {
		ctx.sql.reserveLot.run(amount, lotId);
		ctx.sql.insertAllocation.run(transferId, lotId, amount);
	}
}

/**
 * Keeps "unheld credits = max(0, available)": credits that come back while the account is in debt
 * (a grant, a released hold) pay the debt first. No transfer: the clawback already moved them.
 */
export function repayDebt(ctx: Context, account: AccountState) {
	const lots = openLots(ctx, account.id);
	const unheld = lots.reduce((sum, lot) => sum + lot.unheld, 0);
	let excess = unheld - Math.max(0, availableOf(account));
	if (excess < 0) {
		throw new Error(
			`ledger invariant broken: account ${account.id} has fewer unheld credits than available`
		);
	}
	for (const lot of lots) {
		if (excess === 0) break;
		const amount = Math.min(excess, lot.unheld);
		ctx.sql.payDebtFromLot.run({ id: lot.id, amount });
		excess -= amount;
	}
}

/** Expires the unheld credits of the account's due lots; held credits wait for their hold to resolve. */
export function expireDueLots(ctx: Context, account: AccountState) {
	const due = ctx.sql.dueLots.all(account.id, ctx.now()) as {
		id: number;
		remaining: number;
		unheld: number;
	}[];
	for (const lot of due) {
		const transferId = post(ctx, account, {
			code: 'expire',
			amount: lot.unheld,
			// remaining only decreases, so a lot that expires again (after a hold returned credits) gets a new key
			key: `${internalKeyPrefix}expire:lot:${lot.id}:${lot.remaining}`,
			reason: 'credits expired',
			actor: 'system'
		});
		consumeLots(ctx, transferId, [{ lotId: lot.id, amount: lot.unheld }]);
	}
	return { lots: due.length, credits: due.reduce((sum, lot) => sum + lot.unheld, 0) };
}
