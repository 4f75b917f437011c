import fc from 'fast-check';
import type { AsyncLedger } from '../async';
import { dayMs } from '../time';

// Random operation sequences for the property and differential tests: mostly valid inputs, some
// invalid, retries of earlier calls (same or changed), and time moving, to expiry boundaries too.

// Mostly valid amounts, sometimes invalid ones.
const amountUpTo = (max: number) =>
	fc.oneof({ weight: 15, arbitrary: fc.integer({ min: 1, max }) }, fc.constantFrom(0, -3));
const amount = amountUpTo(15);
// A hold of the scenario, or (null) one that does not exist.
const holdPick = fc.option(fc.nat(), { nil: null, freq: 8 });
const hour = 60 * 60 * 1000;

export function commandOf(users: readonly string[]) {
	const user = fc.constantFrom(...users);
	return fc.oneof(
		{
			weight: 4,
			arbitrary: fc.record({
				kind: fc.constant('grant' as const),
				user,
				amount: amountUpTo(40),
				category: fc.constantFrom('paid' as const, 'free' as const),
				code: fc.constantFrom('grant' as const, 'purchase' as const, 'reinstate' as const),
				expiresIn: fc.option(fc.integer({ min: hour, max: 60 * dayMs }), { nil: null })
			})
		},
		{ weight: 4, arbitrary: fc.record({ kind: fc.constant('spend' as const), user, amount }) },
		{
			weight: 4,
			arbitrary: fc.record({
				kind: fc.constant('hold' as const),
				user,
				amount,
				expiresIn: fc.integer({ min: hour, max: 10 * dayMs })
			})
		},
		{
			weight: 3,
			arbitrary: fc.record({
				kind: fc.constant('capture' as const),
				hold: holdPick,
				amount: fc.option(amount, { nil: null })
			})
		},
		fc.record({ kind: fc.constant('release' as const), hold: holdPick }),
		fc.record({
			kind: fc.constant('clawback' as const),
			user,
			amount: fc.integer({ min: 1, max: 30 }),
			code: fc.constantFrom('refund' as const, 'dispute' as const),
			fromGrant: fc.option(fc.nat(), { nil: null })
		}),
		fc.record({ kind: fc.constant('adjust' as const), user, amount, force: fc.boolean() }),
		fc.record({ kind: fc.constant('expire' as const) }),
		fc.record({ kind: fc.constant('rollUp' as const) }),
		{
			weight: 2,
			arbitrary: fc.record({
				kind: fc.constant('tick' as const),
				ms: fc.integer({ min: 1, max: 20 * dayMs })
			})
		},
		// To the exact moment the next lot or hold expires: the boundary is where off-by-ones live.
		fc.record({ kind: fc.constant('tickToExpiry' as const) }),
		{ weight: 2, arbitrary: fc.record({ kind: fc.constant('check' as const) }) },
		{
			weight: 3,
			arbitrary: fc.record({
				kind: fc.constant('retry' as const),
				pick: fc.nat(),
				changed: fc.boolean()
			})
		}
	);
}

export const commandsOf = (users: readonly string[], maxLength = 60) =>
	fc.array(commandOf(users), { minLength: 1, maxLength, size: 'max' });

export type Command = ReturnType<typeof commandOf> extends fc.Arbitrary<infer C> ? C : never;
export type Keyed = Exclude<
	Command,
	{ kind: 'expire' | 'rollUp' | 'tick' | 'tickToExpiry' | 'check' | 'retry' }
>;

/** One keyed call, its times resolved, so that a retry repeats exactly the same parameters. */
export type Call = {
	command: Keyed;
	key: string;
	reason: string;
	expiresAt: number | null;
	reference: string;
};

/** The call of a command at `index`, its expiry resolved against `now`. */
export function callOf(command: Keyed, index: number, now: number): Call {
	const expiresIn =
		command.kind === 'hold'
			? command.expiresIn
			: command.kind === 'grant'
				? command.expiresIn
				: null;
	return {
		command,
		key: `key-${index}`,
		reason: 'first',
		expiresAt: expiresIn === null ? null : now + expiresIn,
		reference: `ref-${index}`
	};
}

/** A hold id no scenario reaches. */
export const missingHold = 999_999;

/** What a call resolves to when it runs: the hold it names and the grant a clawback starts from. */
export type Targets = { holdId: number; fromLotReference: string | undefined };

/** Picks the targets of `command` among the scenario's holds (by count) and grant references. */
export function pick(command: Keyed, holds: number, references: string[]) {
	const hold =
		(command.kind === 'capture' || command.kind === 'release') && command.hold !== null && holds > 0
			? command.hold % holds
			: null;
	const from =
		command.kind === 'clawback' && command.fromGrant !== null && references.length > 0
			? references[command.fromGrant % references.length]
			: undefined;
	/** the index of an existing hold, or null for one that does not exist */
	return { hold, fromLotReference: from };
}

/** Runs a call on a ledger. */
export function perform(ledger: AsyncLedger, call: Call, targets: Targets): Promise<unknown> {
	const { command: c, key: idempotencyKey, reason, expiresAt, reference } = call;
	const actor = 'test';
	const { holdId } = targets;
	switch (c.kind) {
		case 'grant':
			return ledger.grant({
				userId: c.user,
				amount: c.amount,
				category: c.category,
				code: c.code,
				expiresAt: expiresAt === null ? null : new Date(expiresAt),
				reason,
				reference,
				actor,
				idempotencyKey
			});
		case 'spend':
			return ledger.spend({ userId: c.user, amount: c.amount, reason, actor, idempotencyKey });
		case 'hold':
			return ledger.hold({
				userId: c.user,
				amount: c.amount,
				expiresAt: new Date(expiresAt!),
				reason,
				actor,
				idempotencyKey
			});
		case 'capture':
			return ledger.capture({
				holdId,
				amount: c.amount ?? undefined,
				reason,
				actor,
				idempotencyKey
			});
		case 'release':
			return ledger.release({ holdId, reason, actor, idempotencyKey });
		case 'clawback':
			return ledger.clawback({
				userId: c.user,
				amount: c.amount,
				code: c.code,
				fromLotReference: targets.fromLotReference,
				reason,
				actor,
				idempotencyKey
			});
		case 'adjust':
			return ledger.adjust({
				userId: c.user,
				amount: c.amount,
				force: c.force,
				reason,
				actor,
				idempotencyKey
			});
	}
}
