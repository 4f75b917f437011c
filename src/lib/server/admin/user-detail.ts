import { listActiveSessions } from '../auth/session';
import type { Db } from '../db';
import type { Ledger, TransferEntry, TransferFilter } from '../ledger';
import { listUserPurchases } from '../purchases';
import type { BalanceView, HoldView, LedgerRowView, LotView } from '../../types';
import { findUserById } from './users';

/** Everything the admin's user page shows; null when no account has this id. */
export function userDetail(
	db: Db,
	ledger: Ledger,
	userId: string,
	filter: Omit<TransferFilter, 'userId' | 'limit'>
) {
	const user = findUserById(db, userId);
	if (!user) return null;
	const page = ledger.transfers({ userId, ...filter, limit: 50 });
	return {
		user,
		balance: ledger.balance(userId) satisfies BalanceView,
		lots: ledger
			.lots(userId, { open: true })
			.map(({ id, category, amount, remaining, expiresAt, createdAt, code }): LotView => ({
				id,
				category,
				amount,
				remaining,
				expiresAt,
				createdAt,
				code
			})),
		holds: ledger
			.holds(userId, { pending: true })
			.map(({ id, amount, createdAt, expiresAt }): HoldView => ({
				id,
				amount,
				createdAt,
				expiresAt
			})),
		purchases: listUserPurchases(db, userId),
		sessions: listActiveSessions(db, userId),
		transfers: page.items.map(toLedgerRow),
		nextCursor: page.nextCursor,
		newerCursor: page.newerCursor
	};
}

export type UserDetail = NonNullable<ReturnType<typeof userDetail>>;

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
