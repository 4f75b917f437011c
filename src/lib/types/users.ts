/** Client-safe shapes of the admin's user pages. */

export const userSorts = ['balance', 'created', 'activity'] as const;
export type UserSort = (typeof userSorts)[number];

export type UserRowView = {
	id: string;
	email: string;
	role: 'user' | 'admin';
	createdAt: Date;
	balance: number;
	/** the user's newest ledger transfer; null when there is none */
	lastActivityAt: Date | null;
};

export type BalanceView = {
	balance: number;
	/** balance minus credits on hold; negative while the account is in debt */
	available: number;
	onHold: number;
	/** unheld credits whose lots expire within 30 days */
	expiringSoon: number;
	debt: number;
};

export type LotView = {
	id: number;
	category: string;
	amount: number;
	remaining: number;
	expiresAt: Date | null;
	createdAt: Date;
	code: string;
};

export type HoldView = { id: number; amount: number; createdAt: Date; expiresAt: Date };

export type SessionView = {
	createdAt: Date;
	lastVerifiedAt: Date;
	expiresAt: Date;
	/** the session of the browser that is looking */
	current: boolean;
};

/** A row of a user's ledger: `credits` is + into their balance, − out of it. */
export type LedgerRowView = {
	id: number;
	createdAt: Date;
	code: string;
	credits: number;
	balanceAfter: number;
	reason: string | null;
	actor: string;
	reference: string | null;
};
