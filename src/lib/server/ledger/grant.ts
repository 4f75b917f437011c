import { lowerNextExpiry, openAccount, post } from './accounts';
import type { Context } from './context';
import { checkAmount, checkFuture, checkKey, fail, type Failure, type Result } from './errors';
import { expireIfDue } from './expire';
import { hashRequest, replayOrConflict } from './idempotency';
import { repayDebt } from './lots';
import { postedOf, type Posted } from './results';
import { lotCategories, type LotCategory } from './schema';
import { grantCodes, isGrantCode, type GrantCode } from './transfer-codes';

export type GrantInput = {
	userId: string;
	amount: number;
	category: LotCategory;
	/** Defaults to `grant`; a Stripe purchase uses `purchase`, a won dispute `reinstate`. */
	code?: GrantCode;
	expiresAt?: Date | null;
	reason?: string | null;
	/** E.g. the purchase id; clawback can take from the lot opened by this reference first. */
	reference?: string | null;
	actor: string;
	idempotencyKey: string;
};
export type GrantResult = Posted & { lotId: number };

/** The checks a grant's input passes before anything is read (both backends run them). */
export function checkGrant(input: GrantInput): Failure | null {
	const { code = 'grant', category } = input;
	return (
		checkAmount(input.amount) ??
		checkKey(input.idempotencyKey) ??
		(lotCategories.includes(category)
			? null
			: fail('invalid_request', `category must be paid or free`)) ??
		(isGrantCode(code)
			? null
			: fail('invalid_request', `code must be one of ${grantCodes.join(', ')}`))
	);
}

/** The grant's request fingerprint (both backends store it). */
export function grantHash(input: GrantInput) {
	const { code = 'grant', expiresAt = null, reason = null, reference = null } = input;
	const expiry = expiresAt?.getTime() ?? null;
	const { userId, amount, category, actor } = input;
	return hashRequest('grant', userId, amount, category, code, expiry, reason, reference, actor);
}

export function grant(ctx: Context, input: GrantInput): Result<GrantResult> {
	const { code = 'grant', category, expiresAt = null } = input;
	const invalid = checkGrant(input);
	if (invalid) return invalid;
	return ctx.immediate(() => {
		const { userId, amount, reason = null, reference = null, actor, idempotencyKey: key } = input;
		const expiry = expiresAt?.getTime() ?? null;
		const hash = grantHash(input);
		const replayed = replayOrConflict(ctx, key, hash, (prior) => ({
			lotId: ctx.sql.lotIdByTransfer.get(prior.id) as number
		}));
		if (replayed) return replayed;
		// Only for a new grant: a replay after the lot expired still answers the original result.
		const past = checkFuture(expiresAt, ctx.now(), 'expiresAt');
		if (past) return past;
		const account = openAccount(ctx, userId);
		expireIfDue(ctx, account);
		const draft = {
			code,
			amount,
			key,
			hash,
			reference,
			reason,
			actor,
			category,
			expiresAt: expiry
		};
		const transferId = post(ctx, account, draft);
		const now = ctx.now();
		const lotId = Number(
			ctx.sql.insertLot.run(account.id, transferId, category, amount, amount, expiry, now)
				.lastInsertRowid
		);
		if (expiry !== null) lowerNextExpiry(ctx, account, expiry);
		const result = postedOf(transferId, account);
		repayDebt(ctx, account);
		return { ok: true, ...result, lotId };
	});
}
