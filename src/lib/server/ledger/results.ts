import { availableOf, type AccountState } from './accounts';
import type { Prior } from './idempotency';
import type { LotCategory, TransferCode } from './schema';

/** What every successful write returns: the transfer it wrote and the account right after it. */
export type Posted = { transferId: number; balance: number; available: number; replayed: boolean };

export function postedOf(transferId: number, account: AccountState): Posted {
	return { transferId, balance: account.balance, available: availableOf(account), replayed: false };
}

export function replayOf(prior: Prior): Posted {
	return {
		transferId: prior.id,
		balance: prior.balance,
		available: prior.available,
		replayed: true
	};
}

/** What `onPosted` hears of each transfer, inside the transaction that writes it. */
export type PostedTransfer = {
	transferId: number;
	code: TransferCode;
	userId: string;
	amount: number;
	/** The user's available credits just before this transfer; `balance` and `available` are after it. */
	availableBefore: number;
	balance: number;
	available: number;
	holdId: number | null;
	reference: string | null;
	reason: string | null;
	actor: string;
	/** The lot a purchase, grant or reinstatement opens (null for other codes); expiry in ms. */
	category: LotCategory | null;
	expiresAt: number | null;
	createdAt: number;
};
