import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/index';
import { createLedger } from './index';
import { dayMs } from './time';
import { runScript } from './testing/processes';

const dir = mkdtempSync(join(tmpdir(), 'ledger-scripts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run ledger:verify', () => {
	it('prints ok on a fresh database', () => {
		expect(runScript('scripts/ledger-verify.ts', join(dir, 'fresh.db'))).toMatchObject({
			status: 0,
			stdout: 'ok\n'
		});
	});

	it('names each violation and exits 1', () => {
		const file = join(dir, 'tampered.db');
		const db = openDatabase(file);
		createLedger(db).grant({
			userId: 'ann',
			amount: 10,
			category: 'free',
			actor: 'system',
			idempotencyKey: 'g'
		});
		db.$client.prepare(`UPDATE lots SET remaining = 3`).run();
		db.$client.close();
		const result = runScript('scripts/ledger-verify.ts', file);
		expect(result.status).toBe(1);
		expect(result.stdout.trim().split('\n')).toEqual([
			'lots_balance: user ann: balance 10 and on hold 0 but lots have 3 remaining, 0 held',
			'lot_allocations: lot 1: 7 credits used but 0 allocated'
		]);
	});
});

describe('npm run credits:expire', () => {
	it('expires what is due and says how much', () => {
		const file = join(dir, 'expiring.db');
		const db = openDatabase(file);
		let now = Date.now() - 2 * dayMs;
		const ledger = createLedger(db, { now: () => new Date(now) });
		ledger.grant({
			userId: 'ann',
			amount: 10,
			category: 'free',
			expiresAt: new Date(now + dayMs),
			actor: 's',
			idempotencyKey: 'g'
		});
		ledger.hold({
			userId: 'ann',
			amount: 4,
			expiresAt: new Date(now + 60_000),
			actor: 's',
			idempotencyKey: 'h'
		});
		now = Date.now();
		db.$client.close();
		const result = runScript('scripts/credits-expire.ts', file);
		expect(result).toMatchObject({
			status: 0,
			stdout:
				'expired 10 credits from 1 lots and 1 holds in 1 accounts\nsystem accounts rolled up through transfer 4\n'
		});
		expect(runScript('scripts/ledger-verify.ts', file).stdout).toBe('ok\n');
	});
});
