import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBuiltServer } from '../../scripts/lib/serve';
import { openDatabase } from '../../src/lib/server/db';
import { createLedger } from '../../src/lib/server/ledger';

const hourMs = 60 * 60 * 1000;

test('WEB_CONCURRENCY=2 serves from two workers, sweeps in one, and replaces a worker that dies', async () => {
	test.setTimeout(240_000);
	const dir = mkdtempSync(join(tmpdir(), 'credits-cluster-'));
	const databaseUrl = join(dir, 'credits.db');
	const db = openDatabase(databaseUrl);
	const past = Date.now() - hourMs;
	const granted = createLedger(db, { now: () => new Date(past) }).grant({
		userId: 'u1',
		amount: 40,
		category: 'free',
		expiresAt: new Date(past + 60_000),
		actor: 'test',
		idempotencyKey: 'gift'
	});
	expect(granted.ok).toBe(true);
	db.$client.close();

	const lines: string[] = [];
	const count = (prefix: string) => lines.filter((line) => line.startsWith(prefix));
	// The server's own lines are pino's JSON; adapter-node's "Listening on" is plain text.
	const logged = (msg: string) =>
		lines.flatMap((line) => {
			if (!line.startsWith('{')) return [];
			const entry = JSON.parse(line) as { msg?: string; pid?: number; credits?: number };
			return entry.msg === msg ? [entry] : [];
		});
	const jobsWorkers = () => logged('background jobs run in this worker');
	// Workers start one after the other, and slowly on a busy machine.
	const eventually = { timeout: 60_000 };
	const server = await startBuiltServer({ databaseUrl, workers: 2, onLine: (l) => lines.push(l) });
	try {
		await expect.poll(() => count('Listening on').length, eventually).toBe(2);
		await expect
			.poll(() => logged('expired').filter((entry) => entry.credits === 40).length, eventually)
			.toBe(1);
		expect(jobsWorkers()).toHaveLength(1);
		const ping = await fetch(`${server.url}/api/v1/ping`);
		expect(await ping.json()).toEqual({ ok: true });

		const jobsWorker = jobsWorkers()[0].pid!;
		process.kill(jobsWorker, 'SIGKILL');
		await expect.poll(() => jobsWorkers().length, eventually).toBe(2);
		expect(jobsWorkers()[1].pid).not.toBe(jobsWorker);
		await expect.poll(() => count('Listening on').length, eventually).toBe(3);
		expect((await fetch(`${server.url}/api/v1/ping`)).status).toBe(200);
	} finally {
		expect(await server.stop()).toBe(0);
		rmSync(dir, { recursive: true, force: true });
	}
});
