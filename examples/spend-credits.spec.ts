import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('the README’s ledger example', () => {
	it('is the file README.md shows, and prints what its comments promise', () => {
		const source = readFileSync('examples/spend-credits.ts', 'utf8');
		expect(readFileSync('README.md', 'utf8')).toContain(source.trim());
		const run = spawnSync(process.execPath, ['--import', 'tsx', 'examples/spend-credits.ts'], {
			encoding: 'utf8'
		});
		expect(run.status).toBe(0);
		expect(run.stdout).toContain('replayed: false\n} true');
		expect(run.stdout).toContain('insufficient_credits\n20 30\n');
		expect(run.stdout).toContain(
			'{ balance: 50, available: 50, onHold: 0, expiringSoon: 50, debt: 0 }\n[]'
		);
		expect(run.stdout).toContain(
			'{ ok: true, value: { transfer_id: 7, balance: 12, available: 12 } }\ninsufficient_credits\n'
		);
	});
});
