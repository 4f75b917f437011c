import type { Db } from './db';
import type { TransferEntry, TransferFilter } from './ledger';
import type { AsyncLedger } from './ledger/async';
import { listUserPurchases } from './purchases';
import { transferQuery, transferRange, type TransferQuery } from './transfer-query';
import { transferTypeFilter, transferTypeOf } from './transfer-types';
import { transferTypes, type HistoryRowView, type TransferType } from '../types';

export const historyPageSize = 25;
const historyPurchases = 20;

/** `?type=&from=&to=&before=&after=` of the history page; the CSV reads the same filter. */
export const historyQuery = transferQuery(transferTypes);
export type HistoryQuery = TransferQuery & { type?: TransferType };

/** The ledger filter of a user's history query: their own transfers only, whatever the query says. */
export function historyFilter(
	userId: string,
	query: HistoryQuery
): TransferFilter & { userId: string } {
	return { ...(query.type && transferTypeFilter(query.type)), ...transferRange(query), userId };
}

/** One page of the user's history, and their newest purchases. */
export async function loadHistory(
	db: Db,
	ledger: AsyncLedger,
	userId: string,
	query: HistoryQuery
) {
	const page = await ledger.transfers({ ...historyFilter(userId, query), limit: historyPageSize });
	return {
		transfers: page.items.map(toHistoryRow),
		nextCursor: page.nextCursor,
		newerCursor: page.newerCursor,
		purchases: await listUserPurchases(db, userId, historyPurchases)
	};
}

/** The user's newest transfers, for the credits page. */
export async function recentTransfers(
	ledger: AsyncLedger,
	userId: string,
	limit = 5
): Promise<HistoryRowView[]> {
	return (await ledger.transfers({ userId, limit })).items.map(toHistoryRow);
}

function toHistoryRow(item: TransferEntry): HistoryRowView {
	return {
		id: item.id,
		createdAt: item.createdAt,
		type: transferTypeOf(item),
		credits: item.balanceDelta,
		amount: item.amount,
		balanceAfter: item.balanceAfter,
		description: item.reason
	};
}
