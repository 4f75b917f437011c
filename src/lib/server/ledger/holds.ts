import { lowerNextExpiry, post, reloadAccount, type AccountState } from './accounts';
import type { Context } from './context';
import { checkAmount, checkFuture, checkKey, fail, type Failure, type Result } from './errors';
import { expireIfDue, expireLotsAndRepayDebt } from './expire';
import { hashRequest, isFailure, replayOrConflict } from './idempotency';
import { planExactDraw, reserveLots } from './lots';
import { postedOf, type Posted } from './results';
import { findHold, resolveHold, type HoldRow, type HoldResolution } from './resolve-hold';
import { findSpendable } from './spendable';

export type HoldInput = {
	userId: string;
	amount: number;
	expiresAt: Date;
	reason?: string | null;
	reference?: string | null;
	actor: string;
	idempotencyKey: string;
};
export type CaptureInput = {
	holdId: number;
	/** Defaults to the whole hold; the rest is released. */
	amount?: number;
	/** When given, a hold of another user is reported as not found. */
	userId?: string;
	reason?: string | null;
	actor: string;
	idempotencyKey: string;
};
export type ReleaseInput = Omit<CaptureInput, 'amount'>;
export type HoldResult = Posted & { holdId: number };
export type CaptureResult = HoldResult & { captured: number; released: number };

/** The checks a hold's input passes before anything is read (both backends run them). */
export function checkHold(input: HoldInput) {
	return (
		checkAmount(input.amount) ??
		checkKey(input.idempotencyKey) ??
		(input.expiresAt ? null : fail('invalid_request', 'expiresAt is required'))
	);
}

/** The hold's request fingerprint (both backends store it). */
export function holdHash(input: HoldInput) {
	const { userId, amount, expiresAt, reason = null, reference = null, actor } = input;
	return hashRequest('hold', userId, amount, expiresAt.getTime(), reason, reference, actor);
}

export function hold(ctx: Context, input: HoldInput): Result<HoldResult> {
	const { userId, amount, expiresAt, idempotencyKey: key } = input;
	const invalid = checkHold(input);
	if (invalid) return invalid;
	return ctx.immediate(() => {
		const { reason = null, reference = null, actor } = input;
		const hash = holdHash(input);
		const replayed = replayOrConflict(ctx, key, hash, (prior) => ({ holdId: prior.holdId! }));
		if (replayed) return replayed;
		const past = checkFuture(expiresAt, ctx.now(), 'expiresAt');
		if (past) return past;
		const account = findSpendable(ctx, userId, amount);
		if (isFailure(account)) return account;
		const holdId = Number(
			ctx.sql.insertHold.run(account.id, amount, expiresAt.getTime(), ctx.now()).lastInsertRowid
		);
		const portions = planExactDraw(ctx, account, amount);
		const draft = { code: 'hold' as const, amount, holdId, key, hash, reference, reason, actor };
		const transferId = post(ctx, account, draft);
		reserveLots(ctx, transferId, portions);
		lowerNextExpiry(ctx, account, expiresAt.getTime());
		return { ok: true, ...postedOf(transferId, account), holdId };
	});
}

/** The checks a capture's input passes before anything is read (both backends run them). */
export function checkCapture(input: CaptureInput) {
	const { amount } = input;
	return checkKey(input.idempotencyKey) ?? (amount === undefined ? null : checkAmount(amount));
}

/** The capture's request fingerprint (both backends store it). */
export function captureHash(input: CaptureInput) {
	const { holdId, amount, userId, reason, actor } = input;
	return hashRequest('capture', holdId, amount ?? null, userId ?? null, reason ?? null, actor);
}

/** The release's request fingerprint (both backends store it). */
export function releaseHash(input: ReleaseInput) {
	const { holdId, userId, reason, actor } = input;
	return hashRequest('release', holdId, userId ?? null, reason ?? null, actor);
}

export function capture(ctx: Context, input: CaptureInput): Result<CaptureResult> {
	const { holdId, amount, idempotencyKey: key } = input;
	const invalid = checkCapture(input);
	if (invalid) return invalid;
	return ctx.immediate(() => {
		const hash = captureHash(input);
		const replayed = replayOrConflict(ctx, key, hash, (prior) => {
			return {
				holdId,
				captured: prior.amount,
				released: findHold(ctx, holdId)!.amount - prior.amount
			};
		});
		if (replayed) return replayed;
		const found = findPendingHold(ctx, input);
		if (isFailure(found)) return found;
		const captured = amount ?? found.hold.amount;
		if (captured > found.hold.amount) {
			return fail(
				'invalid_amount',
				`cannot capture ${captured} credits of a hold of ${found.hold.amount}`
			);
		}
		const resolved = resolvePendingHold(ctx, found, {
			status: 'captured',
			captured,
			key,
			hash,
			reason: input.reason,
			actor: input.actor
		});
		return { ok: true, ...resolved, holdId, captured, released: found.hold.amount - captured };
	});
}

export function release(ctx: Context, input: ReleaseInput): Result<HoldResult> {
	const { holdId, idempotencyKey: key } = input;
	const invalid = checkKey(key);
	if (invalid) return invalid;
	return ctx.immediate(() => {
		const hash = releaseHash(input);
		const replayed = replayOrConflict(ctx, key, hash, () => ({ holdId }));
		if (replayed) return replayed;
		const found = findPendingHold(ctx, input);
		if (isFailure(found)) return found;
		const resolved = resolvePendingHold(ctx, found, {
			status: 'released',
			captured: 0,
			key,
			hash,
			reason: input.reason,
			actor: input.actor
		});
		return { ok: true, ...resolved, holdId };
	});
}

/** The hold and its account, once the account's due holds and lots are expired (this hold included). */
function findPendingHold(ctx: Context, input: ReleaseInput): PendingHold | Failure {
	const found = findHold(ctx, input.holdId);
	if (!found || (input.userId !== undefined && found.userId !== input.userId)) {
		return fail('hold_not_found', `no hold ${input.holdId}`);
	}
	const account = reloadAccount(ctx, found.accountId);
	expireIfDue(ctx, account);
	const hold = findHold(ctx, found.id)!;
	if (hold.status !== 'pending')
		return fail('hold_not_pending', `hold ${hold.id} is already ${hold.status}`);
	return { hold, account };
}

type PendingHold = { hold: HoldRow; account: AccountState };

function resolvePendingHold(
	ctx: Context,
	{ hold, account }: PendingHold,
	resolution: HoldResolution
) {
	const resolved = resolveHold(ctx, account, hold, resolution);
	expireLotsAndRepayDebt(ctx, account);
	return { ...resolved, replayed: false };
}
