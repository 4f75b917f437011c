import type { SignupBonus } from '../credits/catalogue';
import { signupBonus } from '../credits/packages';
import { getLedgerFor, requireLedgerOk } from './app-ledger';
import type { Db } from './db';
import { dayMs } from '../time';
import { signupReference } from './transfer-types';

/** Gives a new account its one-time sign-up bonus as free credits; keyed by user, so it never repeats. */
export async function grantSignupBonus(
	db: Db,
	userId: string,
	bonus: SignupBonus = signupBonus,
	now = new Date()
) {
	if (bonus.credits <= 0) return;
	const granted = await getLedgerFor(db).grant({
		userId,
		amount: bonus.credits,
		category: 'free',
		code: 'grant',
		expiresAt: new Date(now.getTime() + bonus.expiresInDays * dayMs),
		reason: 'Welcome bonus',
		actor: 'system',
		reference: signupReference(userId),
		idempotencyKey: `signup-bonus:${userId}`
	});
	requireLedgerOk(granted, 'Could not grant the sign-up bonus');
}
