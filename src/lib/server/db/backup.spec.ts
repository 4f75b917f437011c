import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLedger } from '../ledger/index';
import { runScript, startSpendWorker } from '../ledger/testing/processes';
import { backupDatabase } from './backup';
import { openDatabase } from './index';

const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const granted = 1_000_000;

/** A file database where ann holds a million credits. */
function createFileDatabase() {
	const dir = mkdtempSync(join(tmpdir(), 'db-backup-'));
	dirs.push(dir);
	const file = join(dir, 'credits.db');
	const db = openDatabase(file);
	createLedger(db).grant({
		userId: 'ann',
		amount: granted,
		category: 'paid',
		actor: 'system',
		idempotencyKey: 'start'
	});
	return { dir, file, db };
}

function countSpends(file: string): number {
	const db = new Database(file, { readonly: true });
	try {
		return db
			.prepare("select count(*) from transfers where code = 'spend'")
			.pluck()
			.get() as number;
	} finally {
		db.close();
	}
}

describe('backupDatabase', () => {
	it('copies a consistent snapshot while another process keeps writing, and the copy verifies', async () => {
		const { dir, file, db } = createFileDatabase();
		const writer = startSpendWorker(file, 'ann', 5_000, 'w');
		await writer.ready;
		writer.go();
		while (countSpends(file) < 100) await new Promise((resolve) => setTimeout(resolve, 10));

		const out = join(dir, 'backup.db');
		const result = await backupDatabase(db.$client, out);
		const { spent } = await writer.done;

		expect(result).toMatchObject({ ok: true, path: out, bytes: expect.any(Number) });
		const inBackup = countSpends(out);
		// Taken mid-write: some spends are in it, the later ones are not.
		expect(inBackup).toBeGreaterThanOrEqual(100);
		expect(inBackup).toBeLessThan(spent);
		expect(runScript('scripts/ledger-verify.ts', out)).toMatchObject({ status: 0, stdout: 'ok\n' });
		const restored = createLedger(openDatabase(out));
		expect(restored.balance('ann').balance).toBe(granted - inBackup);
		expect(restored.lots('ann').map((lot) => lot.remaining)).toEqual([granted - inBackup]);
	}, 120_000);

	it('refuses to overwrite a file unless forced, and leaves it as it was', async () => {
		const { dir, db } = createFileDatabase();
		const out = join(dir, 'taken.db');
		writeFileSync(out, 'keep me');
		expect(await backupDatabase(db.$client, out)).toEqual({
			ok: false,
			code: 'backup_exists',
			message: `${out} exists; pass --force to overwrite it`
		});
		expect(await backupDatabase(db.$client, out, { force: true })).toMatchObject({ ok: true });
		expect(createLedger(openDatabase(out)).balance('ann').balance).toBe(granted);
	});
});

describe('npm run db:backup', () => {
	const backup = (databaseUrl: string, args: string[]) => {
		const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/db-backup.ts', ...args], {
			env: { ...process.env, DATABASE_URL: databaseUrl },
			encoding: 'utf8'
		});
		return { status: run.status, stdout: run.stdout.trim(), stderr: run.stderr.trim() };
	};

	it('prints where the backup went and its size, and overwrites only with --force', () => {
		const { dir, file, db } = createFileDatabase();
		db.$client.close();
		const out = join(dir, 'nightly.db');
		expect(backup(file, ['--out', out])).toMatchObject({
			status: 0,
			stdout: expect.stringMatching(new RegExp(`^Backed up ${file} to ${out} \\(\\d+ bytes\\)$`))
		});
		expect(backup(file, ['--out', out])).toMatchObject({
			status: 1,
			stderr: expect.stringContaining(`${out} exists; pass --force to overwrite it`)
		});
		expect(backup(file, ['--out', out, '--force']).status).toBe(0);
	}, 120_000);
});
