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

/** The checks a clawback's input passes before anything is read (both backends run them). */
export function checkClawback(input: ClawbackInput) {
	const { code } = input;
	return (
		checkAmount(input.amount) ??
		checkKey(input.idempotencyKey) ??
		(code === 'refund' || code === 'dispute'
			? null
			: fail('invalid_request', 'code must be refund or dispute'))
	);
}

/** The clawback's request fingerprint (both backends store it). */
export function clawbackHash(input: ClawbackInput) {
	const { userId, amount, code, fromLotId = null, fromLotReference = null } = input;
	const { reason = null, reference = null, actor } = input;
	return hashRequest(
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
}

/** Takes credits back (refund, dispute); what the lots cannot cover becomes debt. */
export function clawback(ctx: Context, input: ClawbackInput): Result<DeductResult> {
	const { userId, amount, code, fromLotId = null, fromLotReference = null } = input;
	const key = input.idempotencyKey;
	const invalid = checkClawback(input);
	if (invalid) return invalid;
	return ctx.immediate(() => {
		const { reason = null, reference = null, actor } = input;
		const hash = clawbackHash(input);
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

/** The checks an adjustment's input passes before anything is read (both backends run them). */
export function checkAdjust(input: AdjustInput) {
	return (
		checkAmount(input.amount) ??
		checkKey(input.idempotencyKey) ??
		(input.reason?.trim() ? null : fail('invalid_request', 'reason is required'))
	);
}

/** The adjustment's request fingerprint (both backends store it). */
export function adjustHash(input: AdjustInput) {
	const { userId, amount, reason, force = false, reference = null, actor } = input;
	return hashRequest('adjust', userId, amount, reason, force, reference, actor);
}

/** An admin deduction: never below zero unless forced. */
export function adjust(ctx: Context, input: AdjustInput): Result<DeductResult> {
	const { userId, amount, reason, force = false, idempotencyKey: key } = input;
	const invalid = checkAdjust(input);
	if (invalid) return invalid;
	return ctx.immediate(() => {
		const { reference = null, actor } = input;
		const hash = adjustHash(input);
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
