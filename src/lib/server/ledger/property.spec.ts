import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LedgerModel, type ModelResult } from './testing/model';
import {
	callOf,
	commandsOf,
	missingHold,
	perform,
	pick,
	type Call,
	type Command
} from './testing/commands';
import { pgBackend, sqliteBackend, type BackendFactory } from './testing/ledger';

const users = ['ann', 'bob', 'cy'];

async function runScenario(backend: BackendFactory, commands: Command[]) {
	const t = await backend.open();
	try {
		await checkScenario(t, commands);
	} finally {
		await t.close();
	}
}

async function checkScenario(t: Awaited<ReturnType<BackendFactory['open']>>, commands: Command[]) {
	const model = new LedgerModel();
	const calls: Call[] = [];
	const firstResults = new Map<string, unknown>();
	const references: string[] = [];
	// The backend's ids of the model's lots and holds (model id n is index n - 1). Ids are the backend's
	// own: PostgreSQL's sequences may skip values, so only their order is the model's.
	const lotIds: number[] = [];
	const holdIds: number[] = [];

	const expectedOf = (call: Call, holdId: number, from: string | undefined): ModelResult => {
		const { command: c, key, reason, expiresAt, reference } = call;
		const valid = 'amount' in c && c.amount !== null ? c.amount > 0 : true;
		if (!valid) return { ok: false, code: 'invalid_amount' };
		const keyed = (parts: unknown[], run: () => ModelResult) =>
			model.keyed(key, [c.kind, ...parts, reason], run);
		switch (c.kind) {
			case 'grant':
				return keyed([c.user, c.amount, c.category, c.code, expiresAt, reference], () =>
					model.grant(c.user, c.amount, c.category, expiresAt, reference)
				);
			case 'spend':
				return keyed([c.user, c.amount], () => model.spend(c.user, c.amount));
			case 'hold':
				return keyed([c.user, c.amount, expiresAt], () => model.hold(c.user, c.amount, expiresAt!));
			case 'capture':
			case 'release': {
				const amount = c.kind === 'capture' ? c.amount : null;
				return keyed([holdId, amount], () => model.resolve(holdId, amount, c.kind === 'release'));
			}
			case 'clawback':
				return keyed([c.user, c.amount, c.code, from ?? null], () =>
					model.deduct(c.user, c.amount, true, from)
				);
			case 'adjust':
				return keyed([c.user, c.amount, c.force], () => model.deduct(c.user, c.amount, c.force));
		}
	};

	/** The backend's id for a model id, taking a new lot's or hold's id from the result that made it. */
	const mapId = (ids: number[], modelId: unknown, actual: unknown) => {
		if (typeof modelId !== 'number') return modelId;
		if (modelId === ids.length + 1 && typeof actual === 'number') {
			expect(actual).toBeGreaterThan(ids.at(-1) ?? 0);
			ids.push(actual);
		}
		return ids[modelId - 1];
	};

	const run = async (call: Call) => {
		const { hold, fromLotReference } = pick(call.command, model.holds.length, references);
		const db = (await perform(t.ledger, call, {
			holdId: hold === null ? missingHold : holdIds[hold],
			fromLotReference
		})) as Record<string, unknown>;
		const expected = expectedOf(
			call,
			hold === null ? model.holds.length + 1 : hold + 1,
			fromLotReference
		);
		if (expected.ok) {
			const { ok, ...fields } = expected;
			if ('lotId' in fields) fields.lotId = mapId(lotIds, fields.lotId, db.lotId);
			if ('holdId' in fields) fields.holdId = mapId(holdIds, fields.holdId, db.holdId);
			expect(db).toMatchObject({ ok, replayed: false, ...fields });
			if (!firstResults.has(call.key)) firstResults.set(call.key, db);
			else expect(db).toEqual({ ...(firstResults.get(call.key) as object), replayed: true });
		} else {
			expect(db).toMatchObject({ ok: false, error: { code: expected.code } });
		}
	};

	// The history chain (prev_id) against a plain scan of the transfers table, paged 7 at a time.
	const historyIds = async (userId: string) => {
		const ids: number[] = [];
		let cursor: string | null = null;
		do {
			const page = await t.ledger.transfers({ userId, limit: 7, cursor });
			ids.push(...page.items.map((item) => item.id));
			cursor = page.nextCursor;
		} while (cursor);
		return ids;
	};
	const transferIdsByScan = async (userId: string) =>
		(
			await t.query(
				`SELECT t.id FROM transfers t JOIN accounts a ON a.id = t.user_account_id WHERE a.user_id = ? ORDER BY t.id DESC`,
				[userId]
			)
		).map((row) => row.id);

	for (const [index, c] of commands.entries()) {
		if (c.kind === 'tick') t.advance(c.ms);
		if (c.kind === 'tickToExpiry') t.clock.now = model.nextExpiry() ?? t.clock.now;
		model.now = t.clock.now;
		if (c.kind === 'expire') {
			await t.ledger.expire();
			model.sweep();
		} else if (c.kind === 'rollUp') {
			await t.ledger.rollUp();
		} else if (c.kind === 'check') {
			for (const u of users) expect(await t.ledger.balance(u)).toEqual(model.read(u));
			for (const u of users) expect(await historyIds(u)).toEqual(await transferIdsByScan(u));
		} else if (c.kind === 'retry') {
			if (calls.length === 0) continue;
			const original = calls[c.pick % calls.length];
			await run(c.changed ? { ...original, reason: 'changed' } : original);
		} else if (c.kind !== 'tick' && c.kind !== 'tickToExpiry') {
			const call = callOf(c, index, t.clock.now);
			if (c.kind === 'grant') references.push(call.reference);
			calls.push(call);
			await run(call);
		}
		expect(await t.ledger.verify()).toEqual([]);
		const lots = await t.query('SELECT id, remaining, held FROM lots_now ORDER BY id');
		expect(lots).toEqual(
			model.lots.map(({ id, remaining, held }) => ({ id: lotIds[id - 1], remaining, held }))
		);
	}
	for (const u of users) expect(await t.ledger.balance(u)).toEqual(model.read(u));
	expect(await t.ledger.verify()).toEqual([]);
}

// SQLite: 300 scenarios of up to 60 operations take about 16 s alone and over 30 s on a busy machine.
// PostgreSQL: each scenario gets its own database, and every operation is a round trip.
describe.each([
	{ backend: sqliteBackend, numRuns: 300 },
	{ backend: pgBackend, numRuns: 20 }
])('ledger properties on $backend.name', ({ backend, numRuns }) => {
	it('random operations with retries and moving time keep every invariant and match the model', async () => {
		await fc.assert(
			fc.asyncProperty(commandsOf(users), (commands) => runScenario(backend, commands)),
			{ numRuns }
		);
	}, 120_000);
});
