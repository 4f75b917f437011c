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
	// Workers start one after the other, and slowly on a busy machine.
	const eventually = { timeout: 60_000 };
	const server = await startBuiltServer({ databaseUrl, workers: 2, onLine: (l) => lines.push(l) });
	try {
		await expect.poll(() => count('Listening on').length, eventually).toBe(2);
		await expect.poll(() => count('Expired 40 credits').length, eventually).toBe(1);
		expect(count('Background jobs run in worker')).toHaveLength(1);
		const ping = await fetch(`${server.url}/api/v1/ping`);
		expect(await ping.json()).toEqual({ ok: true });

		const jobsWorker = Number(count('Background jobs run in worker')[0].split(' ').at(-1));
		process.kill(jobsWorker, 'SIGKILL');
		await expect.poll(() => count('Background jobs run in worker').length, eventually).toBe(2);
		expect(count('Background jobs run in worker')[1]).not.toContain(String(jobsWorker));
		await expect.poll(() => count('Listening on').length, eventually).toBe(3);
		expect((await fetch(`${server.url}/api/v1/ping`)).status).toBe(200);
	} finally {
		expect(await server.stop()).toBe(0);
		rmSync(dir, { recursive: true, force: true });
	}
});
