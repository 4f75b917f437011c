/** Client-safe shapes of a customer's transaction history. */

/** What a transfer was, in the customer's words: `?type=` of the history page, `type` of its CSV. */
export const transferTypes = [
	'purchase',
	'welcome_gift',
	'spend',
	'hold',
	'capture',
	'release',
	'refund',
	'dispute',
	'reinstated',
	'expired',
	'adjustment'
] as const;
export type TransferType = (typeof transferTypes)[number];

/** A row of the customer's history: `credits` is + into their balance, − out of it, 0 for a hold. */
export type HistoryRowView = {
	id: number;
	createdAt: Date;
	type: TransferType;
	credits: number;
	/** what the transfer moved: for a hold or release, the credits reserved or freed */
	amount: number;
	balanceAfter: number;
	description: string | null;
};

/** A transfer list's filter as typed: dates are `YYYY-MM-DD`. */
export type TransferQueryView = { type?: string; from?: string; to?: string };

/** A choice of the type filter. */
export type TypeOption = { value: string; label: string };
