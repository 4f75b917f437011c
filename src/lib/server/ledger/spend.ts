import { post } from './accounts';
import type { Context } from './context';
import { checkAmount, checkKey, type Result } from './errors';
import { findPrior, hashRequest, isFailure } from './idempotency';
import { consumeLots, planExactDraw } from './lots';
import { postedOf, replayOf, type Posted } from './results';
import { findSpendable } from './spendable';

export type SpendInput = {
	userId: string;
	amount: number;
	reason?: string | null;
	reference?: string | null;
	actor: string;
	idempotencyKey: string;
};

export function spend(ctx: Context, input: SpendInput): Result<Posted> {
	const invalid = checkAmount(input.amount) ?? checkKey(input.idempotencyKey);
	if (invalid) return invalid;
	return ctx.immediate(() => {
		const { userId, amount, reason = null, reference = null, actor, idempotencyKey: key } = input;
		const hash = hashRequest('spend', userId, amount, reason, reference, actor);
		const prior = findPrior(ctx, key, hash);
		if (prior) return isFailure(prior) ? prior : { ok: true, ...replayOf(prior) };
		const account = findSpendable(ctx, userId, amount);
		if (isFailure(account)) return account;
		const portions = planExactDraw(ctx, account, amount);
		const systemId = ctx.system.spent;
		const transferId = post(ctx, account, { code: 'spend', amount, systemId, key, hash, reference, reason, actor });
		consumeLots(ctx, transferId, portions);
		return { ok: true, ...postedOf(transferId, account) };
	});
}
