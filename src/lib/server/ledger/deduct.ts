import {
	availableOf,
	debtOf,
	openAccount,
	post,
	type AccountState,
	type TransferDraft
} from './accounts';
import type { Context } from './context';
import { checkAmount, checkKey, fail, type Result } from './errors';
import { expireIfDue } from './expire';
import { hashRequest, isFailure, replayOrConflict, type Prior } from './idempotency';
import { consumeLots, planDraw } from './lots';
import { postedOf, type Posted } from './results';
import { findSpendable } from './spendable';

type DeductionInput = {
	userId: string;
	amount: number;
	reference?: string | null;
	actor: string;
	idempotencyKey: string;
};
export type ClawbackInput = DeductionInput & {
	code: 'refund' | 'dispute';
	/** Take from this lot first... */
	fromLotId?: number;
	/** ...or from the lot opened by the transfer with this reference (e.g. the purchase id). */
	fromLotReference?: string;
	reason?: string | null;
};
export type AdjustInput = DeductionInput & {
	reason: string;
	/** Deduct even beyond the available credits, leaving the account in debt. */
	force?: boolean;
};
export type DeductResult = Posted & { debt: number };

/** Takes credits back (refund, dispute); what the lots cannot cover becomes debt. */
export function clawback(ctx: Context, input: ClawbackInput): Result<DeductResult> {
	const {
		userId,
		amount,
		code,
		fromLotId = null,
		fromLotReference = null,
		idempotencyKey: key
	} = input;
	const invalid =
		checkAmount(amount) ??
		checkKey(key) ??
		(code === 'refund' || code === 'dispute'
			? null
			: fail('invalid_request', 'code must be refund or dispute'));
	if (invalid) return invalid;
	return ctx.immediate(() => {
		const { reason = null, reference = null, actor } = input;
		const hash = hashRequest(
			'clawback',
			userId,
			amount,
			code,
			fromLotId,
			fromLotReference,
			reason,
			reference,
			actor
		);
		const replayed = replayOrConflict(ctx, key, hash, debtAfter);
		if (replayed) return replayed;
		const account = openAccount(ctx, userId);
		expireIfDue(ctx, account);
		if (fromLotId !== null && ctx.sql.lotOfAccount.get(fromLotId, account.id) === undefined) {
			return fail('invalid_request', `lot ${fromLotId} does not belong to this user`);
		}
		const firstLotId = fromLotId ?? findLotByReference(ctx, account.id, fromLotReference);
		const draft = { code, amount, key, hash, reference, reason, actor };
		return { ok: true, ...deduct(ctx, account, draft, firstLotId) };
	});
}

/** An admin deduction: never below zero unless forced. */
export function adjust(ctx: Context, input: AdjustInput): Result<DeductResult> {
	const { userId, amount, reason, force = false, idempotencyKey: key } = input;
	const invalid =
		checkAmount(amount) ??
		checkKey(key) ??
		(reason?.trim() ? null : fail('invalid_request', 'reason is required'));
	if (invalid) return invalid;
	return ctx.immediate(() => {
		const { reference = null, actor } = input;
		const hash = hashRequest('adjust', userId, amount, reason, force, reference, actor);
		const replayed = replayOrConflict(ctx, key, hash, debtAfter);
		if (replayed) return replayed;
		const account = force ? openAccount(ctx, userId) : findSpendable(ctx, userId, amount);
		if (isFailure(account)) return account;
		if (force) expireIfDue(ctx, account);
		const draft = { code: 'adjust' as const, amount, key, hash, reference, reason, actor };
		return { ok: true, ...deduct(ctx, account, draft, null) };
	});
}

function deduct(
	ctx: Context,
	account: AccountState,
	draft: TransferDraft,
	firstLotId: number | null
) {
	const portions = planDraw(ctx, account.id, draft.amount, firstLotId);
	const transferId = post(ctx, account, draft);
	consumeLots(ctx, transferId, portions);
	return { ...postedOf(transferId, account), debt: debtOf(availableOf(account)) };
}

function debtAfter(prior: Prior) {
	return { debt: debtOf(prior.available) };
}

function findLotByReference(ctx: Context, accountId: number, reference: string | null) {
	if (reference === null) return null;
	return (ctx.sql.lotIdByReference.get(accountId, reference) as number | undefined) ?? null;
}
