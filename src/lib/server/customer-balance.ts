import { eq, sql } from 'drizzle-orm';
import type { CreditsOverview } from '../types';
import type { Db } from './db';
import type { AsyncLedger } from './ledger/async';
import { accounts } from './ledger/schema';
import { expiringSoonMs } from './ledger/time';

/**
 * The header's figure on every page: one read of the account row by its unique user id. Credits
 * past their expiry still count until the sweeper, or the user's next visit to the credits page,
 * expires them.
 */
export async function readAvailableCredits(db: Db, userId: string): Promise<number> {
	const [row] = await db
		.select({
			available: sql<number>`${accounts.creditsPosted} - ${accounts.debitsPosted} - ${accounts.debitsPending}`
		})
		.from(accounts)
		.where(eq(accounts.userId, userId))
		.limit(1);
	return row?.available ?? 0;
}

/** The balance card's figures; the lots are read only when some credits expire soon. */
export async function readCreditsOverview(
	ledger: AsyncLedger,
	userId: string,
	now = new Date()
): Promise<CreditsOverview> {
	const balance = await ledger.balance(userId);
	const firstExpiryAt = balance.expiringSoon > 0 ? await firstExpiryOf(ledger, userId, now) : null;
	return { ...balance, firstExpiryAt };
}

async function firstExpiryOf(ledger: AsyncLedger, userId: string, now: Date): Promise<Date | null> {
	const until = now.getTime() + expiringSoonMs;
	const soon = (await ledger.lots(userId, { open: true }))
		.map((lot) => lot.expiresAt?.getTime() ?? Infinity)
		.filter((at) => at > now.getTime() && at <= until);
	return soon.length > 0 ? new Date(Math.min(...soon)) : null;
}
