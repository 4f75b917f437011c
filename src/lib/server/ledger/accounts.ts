import type { Context } from './context';
import type { LotCategory, TransferCode } from './schema';
import { effectOf, ruleOf } from './transfer-codes';

/** A user account as a transaction sees it; post() keeps it current and writes it back. */
export type AccountState = {
	id: number;
	userId: string;
	balance: number;
	/** debits_pending: credits reserved by pending holds. */
	onHold: number;
	nextExpiryAt: number | null;
	lastTransferId: number | null;
	currentLotId: number | null;
	/** Drawn from the current lot by spends, not yet subtracted from its `remaining`. */
	currentLotDrawn: number;
	/** The current lot's stored remaining − held, as read (null without a current lot). */
	currentLotUnheld: number | null;
};

export function availableOf(account: AccountState) {
	return account.balance - account.onHold;
}

/** Debt is what a clawback took beyond the unheld credits: it shows as negative available. */
export function debtOf(available: number) {
	return Math.max(0, -available);
}

type AccountRow = [
	number,
	number,
	number,
	number | null,
	number | null,
	number | null,
	number,
	number | null,
	string
];

function accountOf(row: AccountRow | undefined): AccountState | undefined {
	if (!row) return undefined;
	const [
		id,
		balance,
		onHold,
		nextExpiryAt,
		lastTransferId,
		currentLotId,
		currentLotDrawn,
		currentLotUnheld,
		userId
	] = row;
	return {
		id,
		userId,
		balance,
		onHold,
		nextExpiryAt,
		lastTransferId,
		currentLotId,
		currentLotDrawn,
		currentLotUnheld
	};
}

export function findAccount(ctx: Context, userId: string) {
	return accountOf(ctx.sql.accountByUser.get(userId) as AccountRow | undefined);
}

/** The account by id, its current lot written back: for any operation but a spend. */
export function reloadAccount(ctx: Context, id: number) {
	return writeBackCurrentLot(ctx, accountOf(ctx.sql.accountById.get(id) as AccountRow)!);
}

/** The user's account (created if new), its current lot written back: for any operation but a spend. */
export function openAccount(ctx: Context, userId: string): AccountState {
	const found = findAccount(ctx, userId);
	if (found) return writeBackCurrentLot(ctx, found);
	const id = Number(ctx.sql.insertAccount.run(userId, ctx.now()).lastInsertRowid);
	return {
		id,
		userId,
		balance: 0,
		onHold: 0,
		nextExpiryAt: null,
		lastTransferId: null,
		currentLotId: null,
		currentLotDrawn: 0,
		currentLotUnheld: null
	};
}

/**
 * Writes what spends drew from the current lot into the lot row and forgets the current lot, so lots
 * read true. Every operation but a spend starts with this: only spends may move the current lot.
 */
export function writeBackCurrentLot(ctx: Context, account: AccountState) {
	if (account.currentLotId === null) return account;
	if (account.currentLotDrawn > 0)
		ctx.sql.consumeLot.run(account.currentLotDrawn, account.currentLotId);
	ctx.sql.forgetCurrentLot.run(account.id);
	account.currentLotId = null;
	account.currentLotDrawn = 0;
	account.currentLotUnheld = null;
	return account;
}

export type TransferDraft = {
	code: TransferCode;
	amount: number;
	/** The one lot the whole amount is drawn from, when recorded on the transfer instead of in allocations. */
	lotId?: number | null;
	holdId?: number | null;
	key: string;
	hash?: string | null;
	reference?: string | null;
	reason?: string | null;
	actor: string;
	/** The lot a credit opens, for onPosted: its category and expiry (ms). */
	category?: LotCategory;
	expiresAt?: number | null;
};

/**
 * Writes one transfer, against the system account its code names, and the user account (its counters,
 * history head and current lot); returns the transfer id. The system account catches up in rollUp().
 */
export function post(ctx: Context, account: AccountState, draft: TransferDraft): number {
	const holdId = draft.holdId ?? null;
	const rule = ruleOf(draft.code, holdId);
	const { posted, pending } = effectOf(rule, draft.amount);
	const toUser = rule.userSide === 'credit';
	const systemId = ctx.system[rule.system];
	const [debitId, creditId] = toUser ? [systemId, account.id] : [account.id, systemId];
	const availableBefore = availableOf(account);
	const now = ctx.now();
	account.balance += toUser ? posted : -posted;
	account.onHold += pending;
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
			account.lastTransferId,
			draft.lotId ?? null,
			now
		).lastInsertRowid
	);
	const [debits, credits] = toUser ? [0, posted] : [posted, 0];
	const [debitsPending, creditsPending] = toUser ? [0, pending] : [pending, 0];
	ctx.sql.writeAccount.run(
		debits,
		credits,
		debitsPending,
		creditsPending,
		id,
		account.currentLotId,
		account.currentLotDrawn,
		account.id
	);
	account.lastTransferId = id;
	if (ctx.onPosted !== undefined) {
		ctx.onPosted({
			transferId: id,
			code: draft.code,
			userId: account.userId,
			amount: draft.amount,
			availableBefore,
			balance: account.balance,
			available: availableOf(account),
			holdId,
			reference: draft.reference ?? null,
			reason: draft.reason ?? null,
			actor: draft.actor,
			category: draft.category ?? null,
			expiresAt: draft.expiresAt ?? null,
			createdAt: now
		});
	}
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
