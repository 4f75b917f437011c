import { availableOf, findAccount, writeBackCurrentLot, type AccountState } from './accounts';
import type { Context } from './context';
import { fail, type Failure } from './errors';
import { expireIfDue } from './expire';

/** The user's account once due credits are expired, if it may spend `amount` (spends, holds, adjustments). */
export function findSpendable(
	ctx: Context,
	userId: string,
	amount: number
): AccountState | Failure {
	const account = findAccount(ctx, userId);
	if (account) expireIfDue(ctx, writeBackCurrentLot(ctx, account));
	const available = account ? availableOf(account) : 0;
	if (available < 0) {
		return fail(
			'account_in_debt',
			`the account owes ${-available} credits; top up before spending`
		);
	}
	if (!account || available < amount) {
		return fail('insufficient_credits', `${amount} credits requested, ${available} available`);
	}
	return account;
}
