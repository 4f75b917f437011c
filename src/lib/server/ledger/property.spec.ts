import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LedgerModel, type ModelResult } from './testing/model';
import { createTestLedger, dayMs } from './testing/ledger';

const users = ['ann', 'bob', 'cy'];
const user = fc.constantFrom(...users);
// Mostly valid amounts, sometimes invalid ones.
const amountUpTo = (max: number) =>
	fc.oneof({ weight: 15, arbitrary: fc.integer({ min: 1, max }) }, fc.constantFrom(0, -3));
const amount = amountUpTo(15);
// A hold of the scenario, or (null) one that does not exist.
const holdPick = fc.option(fc.nat(), { nil: null, freq: 8 });
const hour = 60 * 60 * 1000;

const command = fc.oneof(
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
type Command = typeof command extends fc.Arbitrary<infer C> ? C : never;
type Keyed = Exclude<
	Command,
	{ kind: 'expire' | 'rollUp' | 'tick' | 'tickToExpiry' | 'check' | 'retry' }
>;

/** One keyed call, its times resolved, so that a retry repeats exactly the same parameters. */
type Call = {
	command: Keyed;
	key: string;
	reason: string;
	expiresAt: number | null;
	reference: string;
};

function runScenario(commands: Command[]) {
	const t = createTestLedger();
	const model = new LedgerModel();
	const calls: Call[] = [];
	const firstResults = new Map<string, unknown>();
	const references: string[] = [];

	const execute = (call: Call) => {
		const { command: c, key: idempotencyKey, reason, expiresAt, reference } = call;
		const actor = 'test';
		const validAmount = 'amount' in c && c.amount !== null ? c.amount > 0 : true;
		const invalid: ModelResult = { ok: false, code: 'invalid_amount' };
		const signature = (...parts: unknown[]) => [c.kind, ...parts, reason];
		switch (c.kind) {
			case 'grant': {
				const db = t.ledger.grant({
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
				const expected = validAmount
					? model.keyed(
							idempotencyKey,
							signature(c.user, c.amount, c.category, c.code, expiresAt, reference),
							() => model.grant(c.user, c.amount, c.category, expiresAt, reference)
						)
					: invalid;
				return { db, expected };
			}
			case 'spend': {
				const db = t.ledger.spend({
					userId: c.user,
					amount: c.amount,
					reason,
					actor,
					idempotencyKey
				});
				return {
					db,
					expected: validAmount
						? model.keyed(idempotencyKey, signature(c.user, c.amount), () =>
								model.spend(c.user, c.amount)
							)
						: invalid
				};
			}
			case 'hold': {
				const db = t.ledger.hold({
					userId: c.user,
					amount: c.amount,
					expiresAt: new Date(expiresAt!),
					reason,
					actor,
					idempotencyKey
				});
				return {
					db,
					expected: validAmount
						? model.keyed(idempotencyKey, signature(c.user, c.amount, expiresAt), () =>
								model.hold(c.user, c.amount, expiresAt!)
							)
						: invalid
				};
			}
			case 'capture':
			case 'release': {
				const holds = model.holds.length;
				const holdId = c.hold === null || holds === 0 ? holds + 1 : (c.hold % holds) + 1;
				const amount = c.kind === 'capture' ? (c.amount ?? undefined) : undefined;
				const db =
					c.kind === 'capture'
						? t.ledger.capture({ holdId, amount, reason, actor, idempotencyKey })
						: t.ledger.release({ holdId, reason, actor, idempotencyKey });
				const expected = validAmount
					? model.keyed(idempotencyKey, signature(holdId, amount ?? null), () =>
							model.resolve(holdId, amount ?? null, c.kind === 'release')
						)
					: invalid;
				return { db, expected };
			}
			case 'clawback': {
				const from =
					c.fromGrant === null || references.length === 0
						? undefined
						: references[c.fromGrant % references.length];
				const db = t.ledger.clawback({
					userId: c.user,
					amount: c.amount,
					code: c.code,
					fromLotReference: from,
					reason,
					actor,
					idempotencyKey
				});
				return {
					db,
					expected: model.keyed(
						idempotencyKey,
						signature(c.user, c.amount, c.code, from ?? null),
						() => model.deduct(c.user, c.amount, true, from)
					)
				};
			}
			case 'adjust': {
				const db = t.ledger.adjust({
					userId: c.user,
					amount: c.amount,
					force: c.force,
					reason,
					actor,
					idempotencyKey
				});
				return {
					db,
					expected: validAmount
						? model.keyed(idempotencyKey, signature(c.user, c.amount, c.force), () =>
								model.deduct(c.user, c.amount, c.force)
							)
						: invalid
				};
			}
		}
	};

	const run = (call: Call) => {
		const { db, expected } = execute(call);
		if (expected.ok) {
			const { ok, ...fields } = expected;
			expect(db).toMatchObject({ ok, replayed: false, ...fields });
			if (!firstResults.has(call.key)) firstResults.set(call.key, db);
			else expect(db).toEqual({ ...(firstResults.get(call.key) as object), replayed: true });
		} else {
			expect(db).toMatchObject({ ok: false, error: { code: expected.code } });
		}
	};

	// The history chain (prev_id) against a plain scan of the transfers table, paged 7 at a time.
	const historyIds = (userId: string) => {
		const ids: number[] = [];
		let cursor: string | null = null;
		do {
			const page = t.ledger.transfers({ userId, limit: 7, cursor });
			ids.push(...page.items.map((item) => item.id));
			cursor = page.nextCursor;
		} while (cursor);
		return ids;
	};
	const transferIdsByScan = (userId: string) =>
		t.db.$client
			.prepare(
				`SELECT t.id FROM transfers t JOIN accounts a ON a.id = t.user_account_id WHERE a.user_id = ? ORDER BY t.id DESC`
			)
			.pluck()
			.all(userId);

	commands.forEach((c, index) => {
		if (c.kind === 'tick') t.advance(c.ms);
		if (c.kind === 'tickToExpiry') t.clock.now = model.nextExpiry() ?? t.clock.now;
		model.now = t.clock.now;
		if (c.kind === 'expire') {
			t.ledger.expire();
			model.sweep();
		} else if (c.kind === 'rollUp') {
			t.ledger.rollUp();
		} else if (c.kind === 'check') {
			for (const u of users) expect(t.ledger.balance(u)).toEqual(model.read(u));
			for (const u of users) expect(historyIds(u)).toEqual(transferIdsByScan(u));
		} else if (c.kind === 'retry') {
			if (calls.length === 0) return;
			const original = calls[c.pick % calls.length];
			run(c.changed ? { ...original, reason: 'changed' } : original);
		} else if (c.kind !== 'tick' && c.kind !== 'tickToExpiry') {
			const hasExpiry = c.kind === 'hold' || (c.kind === 'grant' && c.expiresIn !== null);
			const expiresIn = c.kind === 'hold' ? c.expiresIn : c.kind === 'grant' ? c.expiresIn : null;
			const reference = `ref-${index}`;
			if (c.kind === 'grant') references.push(reference);
			const call = {
				command: c,
				key: `key-${index}`,
				reason: 'first',
				expiresAt: hasExpiry ? t.clock.now + expiresIn! : null,
				reference
			};
			calls.push(call);
			run(call);
		}
		expect(t.ledger.verify()).toEqual([]);
		const lots = t.db.$client.prepare('SELECT id, remaining, held FROM lots_now ORDER BY id').all();
		expect(lots).toEqual(model.lots.map(({ id, remaining, held }) => ({ id, remaining, held })));
	});
	for (const u of users) expect(t.ledger.balance(u)).toEqual(model.read(u));
	expect(t.ledger.verify()).toEqual([]);
}

describe('ledger properties', () => {
	it('random operations with retries and moving time keep every invariant and match the model', () => {
		fc.assert(
			fc.property(fc.array(command, { minLength: 1, maxLength: 60, size: 'max' }), (commands) =>
				runScenario(commands)
			),
			{ numRuns: 300 }
		);
		// 300 scenarios of up to 60 operations take about 16 s alone and over 30 s on a busy machine.
	}, 120_000);
});
