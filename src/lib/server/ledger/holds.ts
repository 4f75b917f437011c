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

export function hold(ctx: Context, input: HoldInput): Result<HoldResult> {
	const { userId, amount, expiresAt, idempotencyKey: key } = input;
	const invalid =
		checkAmount(amount) ??
		checkKey(key) ??
		(expiresAt ? null : fail('invalid_request', 'expiresAt is required'));
	if (invalid) return invalid;
	return ctx.immediate(() => {
		const { reason = null, reference = null, actor } = input;
		const hash = hashRequest('hold', userId, amount, expiresAt.getTime(), reason, reference, actor);
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

export function capture(ctx: Context, input: CaptureInput): Result<CaptureResult> {
	const { holdId, amount, idempotencyKey: key } = input;
	const invalid = checkKey(key) ?? (amount === undefined ? null : checkAmount(amount));
	if (invalid) return invalid;
	return ctx.immediate(() => {
		const hash = hashRequest(
			'capture',
			holdId,
			amount ?? null,
			input.userId ?? null,
			input.reason ?? null,
			input.actor
		);
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
		const hash = hashRequest(
			'release',
			holdId,
			input.userId ?? null,
			input.reason ?? null,
			input.actor
		);
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
