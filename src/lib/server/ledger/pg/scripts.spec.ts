import { describe, expect, it } from 'vitest';
import { usePgTestDatabase } from '../../db/pg/testing';
import { createTestLedger } from '../testing/ledger';
import { runScript } from '../testing/processes';
import { copyLedger } from './testing';

describe('npm run ledger:verify on a postgres:// DATABASE_URL', () => {
	const database = usePgTestDatabase({ max: 1 });

	it('prints ok on a fresh database, also as postgresql://', () => {
		expect(runScript('scripts/ledger-verify.ts', database().url)).toMatchObject({
			status: 0,
			stdout: 'ok\n'
		});
		const postgresql = database().url.replace(/^postgres:/, 'postgresql:');
		expect(runScript('scripts/ledger-verify.ts', postgresql).stdout).toBe('ok\n');
	});

	it('names each violation and exits 1', async () => {
		const t = createTestLedger();
		t.ledger.grant({
			userId: 'ann',
			amount: 10,
			category: 'free',
			actor: 'system',
			idempotencyKey: 'g'
		});
		await copyLedger(t.db.$client, database().db);
		await database().db.$client.query('UPDATE lots SET remaining = 3');
		const result = runScript('scripts/ledger-verify.ts', database().url);
		expect(result.status).toBe(1);
		expect(result.stdout.trim().split('\n')).toEqual([
			'lots_balance: user ann: balance 10 and on hold 0 but lots have 3 remaining, 0 held',
			'lot_allocations: lot 1: 7 credits used but 0 allocated'
		]);
	});
});
