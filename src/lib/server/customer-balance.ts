import { eq, sql } from 'drizzle-orm';
import type { CreditsOverview } from '../types';
import type { Db } from './db';
import type { Ledger } from './ledger';
import { accounts } from './ledger/schema';
import { expiringSoonMs } from './ledger/time';

/**
 * The header's figure on every page: one read of the account row by its unique user id. Credits
 * past their expiry still count until the sweeper, or the user's next visit to the credits page,
 * expires them.
 */
export function readAvailableCredits(db: Db, userId: string): number {
	const row = db
		.select({
			available: sql<number>`${accounts.creditsPosted} - ${accounts.debitsPosted} - ${accounts.debitsPending}`
		})
		.from(accounts)
		.where(eq(accounts.userId, userId))
		.get();
	return row?.available ?? 0;
}

/** The balance card's figures; the lots are read only when some credits expire soon. */
export function readCreditsOverview(
	ledger: Ledger,
	userId: string,
	now = new Date()
): CreditsOverview {
	const balance = ledger.balance(userId);
	const firstExpiryAt = balance.expiringSoon > 0 ? firstExpiryOf(ledger, userId, now) : null;
	return { ...balance, firstExpiryAt };
}

function firstExpiryOf(ledger: Ledger, userId: string, now: Date): Date | null {
	const until = now.getTime() + expiringSoonMs;
	const soon = ledger
		.lots(userId, { open: true })
		.map((lot) => lot.expiresAt?.getTime() ?? Infinity)
		.filter((at) => at > now.getTime() && at <= until);
	return soon.length > 0 ? new Date(Math.min(...soon)) : null;
}
