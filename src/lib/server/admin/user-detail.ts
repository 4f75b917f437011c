import { listActiveSessions } from '../auth/session';
import type { AsyncLedger } from '../app-ledger';
import type { Db } from '../db';
import { perform } from '../db/unit';
import type { TransferEntry, TransferFilter } from '../ledger';
import { listUserPurchases } from '../purchases';
import type { BalanceView, HoldView, LedgerRowView, LotView } from '../../types';
import { findUserById } from './users';

/** Everything the admin's user page shows; null when no account has this id. */
export async function userDetail(
	db: Db,
	ledger: AsyncLedger,
	userId: string,
	filter: Omit<TransferFilter, 'userId' | 'limit'>
) {
	const user = await perform(db, findUserById(db, userId));
	if (!user) return null;
	const page = await ledger.transfers({ userId, ...filter, limit: 50 });
	const balance = await ledger.balance(userId);
	const lots = await ledger.lots(userId, { open: true });
	const holds = await ledger.holds(userId, { pending: true });
	return {
		user,
		balance: balance satisfies BalanceView,
		lots: lots.map(({ id, category, amount, remaining, expiresAt, createdAt, code }): LotView => ({
			id,
			category,
			amount,
			remaining,
			expiresAt,
			createdAt,
			code
		})),
		holds: holds.map(({ id, amount, createdAt, expiresAt }): HoldView => ({
			id,
			amount,
			createdAt,
			expiresAt
		})),
		purchases: await listUserPurchases(db, userId),
		sessions: await listActiveSessions(db, userId),
		transfers: page.items.map(toLedgerRow),
		nextCursor: page.nextCursor,
		newerCursor: page.newerCursor
	};
}

export type UserDetail = NonNullable<Awaited<ReturnType<typeof userDetail>>>;

/** A transfer as the admin's ledger tables show it: credits signed by their effect on the balance. */
export function toLedgerRow(item: TransferEntry): LedgerRowView {
	return {
		id: item.id,
		createdAt: item.createdAt,
		code: item.code,
		credits: item.balanceDelta,
		balanceAfter: item.balanceAfter,
		reason: item.reason,
		actor: item.actor,
		reference: item.reference
	};
}
