import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/index';
import { createLedger } from './index';
import { dayMs } from './time';
import { runScript, startSpendWorker, type Tally } from './testing/processes';

const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A file database where ann holds 1000 credits in two lots. */
function createFileLedger() {
	const dir = mkdtempSync(join(tmpdir(), 'ledger-concurrency-'));
	dirs.push(dir);
	const file = join(dir, 'credits.db');
	const db = openDatabase(file);
	const ledger = createLedger(db);
	const grant = { userId: 'ann', actor: 'system' };
	ledger.grant({ ...grant, amount: 600, category: 'paid', idempotencyKey: 'paid' });
	ledger.grant({
		...grant,
		amount: 400,
		category: 'free',
		expiresAt: new Date(Date.now() + dayMs),
		idempotencyKey: 'free'
	});
	return { file, ledger };
}

async function race(file: string, prefixes: string[], attempts: number) {
	const workers = prefixes.map((prefix) => startSpendWorker(file, 'ann', attempts, prefix));
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

describe('concurrent spends from separate processes', () => {
	it('succeed exactly as often as there are credits, and leave a sound ledger', async () => {
		const { file, ledger } = createFileLedger();
		const outcome = await race(file, ['w1', 'w2', 'w3', 'w4'], 400);

		// The processes really did overlap (one may start late under load and find nothing left).
		expect(outcome.tallies.filter((tally) => tally.spent > 0).length).toBeGreaterThanOrEqual(2);
		expect(outcome.tallies.flatMap((tally) => tally.other)).toEqual([]);
		expect(outcome.spent).toBe(1000);
		expect(outcome.insufficient).toBe(600);
		expect(ledger.balance('ann')).toMatchObject({ balance: 0, available: 0 });
		expect(ledger.lots('ann').map((lot) => lot.remaining)).toEqual([0, 0]);
		expect(ledger.verify()).toEqual([]);
		expect(runScript('scripts/ledger-verify.ts', file)).toMatchObject({
			status: 0,
			stdout: 'ok\n'
		});
	});

	it('apply a key shared by every process once', async () => {
		const { file, ledger } = createFileLedger();
		const outcome = await race(file, ['same', 'same', 'same', 'same'], 150);

		expect(outcome.spent).toBe(150);
		expect(outcome.replayed).toBe(450);
		expect(ledger.balance('ann').balance).toBe(850);
		expect(ledger.verify()).toEqual([]);
	});
});
