import { availableOf, findAccount, post, type AccountState, type TransferDraft } from './accounts';
import type { Context } from './context';
import { checkAmount, checkKey, type Result } from './errors';
import { isFailure, replayOrConflict } from './idempotency';
import { consumeLots, planExactDraw } from './lots';
import { postedOf, type Posted } from './results';
import { findSpendable } from './spendable';

export type SpendInput = {
	userId: string;
	amount: number;
	reason?: string | null;
	reference?: string | null;
	actor: string;
	idempotencyKey: string;
};

/** The checks a spend's input passes before anything is read (both backends run them). */
export function checkSpend(input: SpendInput) {
	return checkAmount(input.amount) ?? checkKey(input.idempotencyKey);
}

export function spend(ctx: Context, input: SpendInput): Result<Posted> {
	const invalid = checkSpend(input);
	if (invalid) return invalid;
	return ctx.immediate(() => {
		const { userId, amount, reason = null, reference = null, actor, idempotencyKey: key } = input;
		// A spend's transfer records all its parameters, so a retry is compared with them: no request hash.
		const replayed = replayOrConflict(
			ctx,
			key,
			(p) =>
				p.code === 'spend' &&
				p.userId === userId &&
				p.amount === amount &&
				p.reason === reason &&
				p.reference === reference &&
				p.actor === actor
		);
		if (replayed) return replayed;
		// Built whole, its lot set in place: a spread copy per spend is slow in V8 (docs/performance.md).
		const draft: TransferDraft = {
			code: 'spend',
			amount,
			lotId: null,
			key,
			hash: null,
			reference,
			reason,
			actor
		};
		const current = findAccount(ctx, userId);
		if (current && fitsCurrentLot(ctx, current, amount)) {
			current.currentLotDrawn += amount;
			draft.lotId = current.currentLotId;
			const transferId = post(ctx, current, draft);
			return { ok: true, ...postedOf(transferId, current) };
		}
		const account = findSpendable(ctx, userId, amount);
		if (isFailure(account)) return account;
		const portions = planExactDraw(ctx, account, amount);
		if (portions.length > 1) {
			const transferId = post(ctx, account, draft);
			consumeLots(ctx, transferId, portions);
			return { ok: true, ...postedOf(transferId, account) };
		}
		// The draw fits the first lot in spend order: it becomes the current lot, drawn down by the
		// account row alone until another operation writes it back (writeBackCurrentLot).
		const [{ lotId }] = portions;
		account.currentLotId = lotId;
		account.currentLotDrawn = amount;
		draft.lotId = lotId;
		const transferId = post(ctx, account, draft);
		return { ok: true, ...postedOf(transferId, account) };
	});
}

/**
 * The fast path: nothing of the account is due to expire, it can afford the amount and its current lot
 * (still first in spend order: any other operation would have cleared it) holds enough.
 */
function fitsCurrentLot(ctx: Context, account: AccountState, amount: number) {
	if (account.currentLotId === null || availableOf(account) < amount) return false;
	if (account.nextExpiryAt !== null && account.nextExpiryAt <= ctx.now()) return false;
	return account.currentLotUnheld! - account.currentLotDrawn >= amount;
}
