import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/index';
import { createPgTestDatabase } from '../db/pg/testing';
import { awaitable, type AsyncLedger } from './async';
import { createLedger } from './index';
import { createPgLedger } from './pg/index';
import { dayMs } from './time';
import { runScript, startSpendWorker, type Tally } from './testing/processes';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A database the worker processes open (a file, or a postgres:// URL) and the ledger on it. */
type Shared = { target: string; ledger: AsyncLedger };

const backends = [
	{
		name: 'a SQLite file',
		async open(): Promise<Shared> {
			const dir = mkdtempSync(join(tmpdir(), 'ledger-concurrency-'));
			const target = join(dir, 'credits.db');
			const db = openDatabase(target);
			cleanups.push(async () => {
				db.$client.close();
				rmSync(dir, { recursive: true, force: true });
			});
			return { target, ledger: awaitable(createLedger(db)) };
		}
	},
	{
		name: 'PostgreSQL',
		async open(): Promise<Shared> {
			const database = await createPgTestDatabase();
			cleanups.push(database.drop);
			return { target: database.url, ledger: createPgLedger(database.db) };
		}
	}
];

/** ann holds 1000 credits in two lots. */
async function seeded(open: () => Promise<Shared>) {
	const shared = await open();
	const grant = { userId: 'ann', actor: 'system' };
	await shared.ledger.grant({ ...grant, amount: 600, category: 'paid', idempotencyKey: 'paid' });
	await shared.ledger.grant({
		...grant,
		amount: 400,
		category: 'free',
		expiresAt: new Date(Date.now() + dayMs),
		idempotencyKey: 'free'
	});
	return shared;
}

async function race(target: string, prefixes: string[], attempts: number) {
	const workers = prefixes.map((prefix) => startSpendWorker(target, 'ann', attempts, prefix));
	await Promise.all(workers.map((worker) => worker.ready));
	for (const worker of workers) worker.go();
	const tallies = await Promise.all(workers.map((worker) => worker.done));
	const total = (field: 'spent' | 'replayed' | 'insufficient') =>
		tallies.reduce((sum: number, tally: Tally) => sum + tally[field], 0);
	return {
		tallies,
		spent: total('spent'),
		replayed: total('replayed'),
		insufficient: total('insufficient')
	};
}

describe.each(backends)('concurrent spends from separate processes on $name', ({ open }) => {
	it('succeed exactly as often as there are credits, and leave a sound ledger', async () => {
		const { target, ledger } = await seeded(open);
		const outcome = await race(target, ['w1', 'w2', 'w3', 'w4'], 400);

		// The processes really did overlap (one may start late under load and find nothing left).
		expect(outcome.tallies.filter((tally) => tally.spent > 0).length).toBeGreaterThanOrEqual(2);
		expect(outcome.tallies.flatMap((tally) => tally.other)).toEqual([]);
		expect(outcome.spent).toBe(1000);
		expect(outcome.insufficient).toBe(600);
		expect(await ledger.balance('ann')).toMatchObject({ balance: 0, available: 0 });
		expect((await ledger.lots('ann')).map((lot) => lot.remaining)).toEqual([0, 0]);
		expect(await ledger.verify()).toEqual([]);
		expect(runScript('scripts/ledger-verify.ts', target)).toMatchObject({
			status: 0,
			stdout: 'ok\n'
		});
	});

	it('apply a key shared by every process once', async () => {
		const { target, ledger } = await seeded(open);
		const outcome = await race(target, ['same', 'same', 'same', 'same'], 150);

		expect(outcome.tallies.flatMap((tally) => tally.other)).toEqual([]);
		expect(outcome.spent).toBe(150);
		expect(outcome.replayed).toBe(450);
		expect((await ledger.balance('ann')).balance).toBe(850);
		expect(await ledger.verify()).toEqual([]);
	});
});
