import type { Context } from './context';
import type { TransferCode } from './schema';
import { effectOf, ruleOf } from './transfer-codes';

type TailRow = [
	debitId: number,
	creditId: number,
	userAccountId: number,
	amount: number,
	code: TransferCode,
	holdId: number | null
];

/**
 * Brings the system accounts' counters up to the newest transfer. They are not written per transfer:
 * every spend of every user would rewrite the same `spent` row, one more page per commit.
 * Returns the transfer ids it added, as a range (empty when there was nothing new).
 */
export function rollUp(ctx: Context): { after: number; through: number } {
	return ctx.immediate(() => {
		const through = ctx.sqlite
			.prepare('SELECT coalesce(max(id), 0) FROM transfers')
			.pluck()
			.get() as number;
		const after = ctx.sqlite
			.prepare('SELECT min(rolled_up_through) FROM accounts WHERE user_id IS NULL')
			.pluck()
			.get() as number;
		if (through <= after) return { after, through: after };
		const sums = new Map(
			Object.values(ctx.system).map((id) => [
				id,
				{ debitsPosted: 0, creditsPosted: 0, debitsPending: 0, creditsPending: 0 }
			])
		);
		const tail = ctx.sqlite
			.prepare(
				`SELECT debit_account_id, credit_account_id, user_account_id, amount, code, hold_id FROM transfers
				WHERE id > ? AND id <= ?`
			)
			.raw()
			.iterate(after, through) as IterableIterator<TailRow>;
		for (const [debitId, creditId, userAccountId, amount, code, holdId] of tail) {
			const { posted, pending } = effectOf(ruleOf(code, holdId), amount);
			if (debitId !== userAccountId) {
				const system = sums.get(debitId)!;
				system.debitsPosted += posted;
				system.debitsPending += pending;
			} else {
				const system = sums.get(creditId)!;
				system.creditsPosted += posted;
				system.creditsPending += pending;
			}
		}
		const update = ctx.sqlite
			.prepare(`UPDATE accounts SET debits_posted = debits_posted + @debitsPosted,
			credits_posted = credits_posted + @creditsPosted, debits_pending = debits_pending + @debitsPending,
			credits_pending = credits_pending + @creditsPending, rolled_up_through = @through WHERE id = @id`);
		for (const [id, counters] of sums) update.run({ id, through, ...counters });
		return { after, through };
	});
}
