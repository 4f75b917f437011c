import type { Context } from './context';
import type { TransferCode } from './schema';

/** A user account as a transaction sees it; post() keeps it current. */
export type AccountState = { id: number; balance: number; pending: number; nextExpiryAt: number | null };

export function availableOf(account: AccountState) {
	return account.balance - account.pending;
}

/** Debt is what a clawback took beyond the free credits: it shows as negative available. */
export function debtOf(available: number) {
	return Math.max(0, -available);
}

export function findAccount(ctx: Context, userId: string) {
	return ctx.sql.accountByUser.get(userId) as AccountState | undefined;
}

export function reloadAccount(ctx: Context, id: number) {
	return ctx.sql.accountById.get(id) as AccountState;
}

export function openAccount(ctx: Context, userId: string): AccountState {
	const found = findAccount(ctx, userId);
	if (found) return found;
	const id = Number(ctx.sql.insertAccount.run(userId, ctx.now()).lastInsertRowid);
	return { id, balance: 0, pending: 0, nextExpiryAt: null };
}

/**
 * How a transfer moves its two accounts. Holds are pending transfers: `hold` reserves, `capture` posts
 * (and un-reserves) part of it, `release` and `expire` with a hold un-reserve the rest.
 */
export function effectOf(code: TransferCode, holdId: number | null, amount: number) {
	if (holdId === null) return { posted: amount, pending: 0 };
	if (code === 'hold') return { posted: 0, pending: amount };
	if (code === 'capture') return { posted: amount, pending: -amount };
	return { posted: 0, pending: -amount };
}

export type TransferDraft = {
	code: TransferCode;
	amount: number;
	/** The system account on the other side. */
	systemId: number;
	/** Credits move into the user account (grants) rather than out of it. */
	toUser?: boolean;
	holdId?: number | null;
	key: string;
	hash?: string | null;
	reference?: string | null;
	reason?: string | null;
	actor: string;
};

/** Writes one transfer, moves both accounts' counters and returns the transfer id. */
export function post(ctx: Context, account: AccountState, draft: TransferDraft): number {
	const holdId = draft.holdId ?? null;
	const { posted, pending } = effectOf(draft.code, holdId, draft.amount);
	const [debitId, creditId] = draft.toUser ? [draft.systemId, account.id] : [account.id, draft.systemId];
	account.balance += draft.toUser ? posted : -posted;
	account.pending += pending;
	const id = Number(
		ctx.sql.insertTransfer.run(
			debitId,
			creditId,
			account.id,
			draft.amount,
			draft.code,
			holdId,
			draft.key,
			draft.hash ?? null,
			draft.reference ?? null,
			draft.reason ?? null,
			draft.actor,
			account.balance,
			availableOf(account),
			ctx.now()
		).lastInsertRowid
	);
	ctx.sql.debitAccount.run(posted, pending, debitId);
	ctx.sql.creditAccount.run(posted, pending, creditId);
	return id;
}

export function lowerNextExpiry(ctx: Context, account: AccountState, at: number) {
	if (account.nextExpiryAt !== null && account.nextExpiryAt <= at) return;
	account.nextExpiryAt = at;
	ctx.sql.lowerNextExpiry.run({ id: account.id, at });
}

export function refreshNextExpiry(ctx: Context, account: AccountState) {
	ctx.sql.refreshNextExpiry.run({ id: account.id });
	account.nextExpiryAt = reloadAccount(ctx, account.id).nextExpiryAt;
}
