import { availableOf, type AccountState } from './accounts';
import type { Prior } from './idempotency';

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
