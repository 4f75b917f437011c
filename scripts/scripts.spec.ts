import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findUserByEmail } from '../src/lib/server/auth/accounts';
import { openDatabase } from '../src/lib/server/db';

function run(script: string, args: string[], env: Record<string, string>) {
	const result = spawnSync(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], {
		env: { ...process.env, ...env },
		encoding: 'utf8'
	});
	return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

const freshDatabase = () => join(mkdtempSync(join(tmpdir(), 'credits-scripts-')), 'credits.db');

describe('npm scripts', () => {
	it('stop with one line naming a malformed variable', () => {
		const result = run('migrate', [], { PORT: 'abc', DATABASE_URL: freshDatabase() });
		expect(result.status).toBe(1);
		expect(result.stderr).toBe(
			'Invalid environment variable PORT: must be a port number (got "abc")'
		);
	});

	it('db:migrate creates the database and its folder', () => {
		const file = freshDatabase().replace('credits.db', 'nested/credits.db');
		const result = run('migrate', [], { DATABASE_URL: file });
		expect(result).toMatchObject({ status: 0, stdout: `Migrated ${file}` });
	});

	it('admin:create creates an admin, then promotes an existing account', async () => {
		const file = freshDatabase();
		const created = run(
			'admin-create',
			['--email', ' Root@Example.com ', '--password', 'a long password'],
			{ DATABASE_URL: file }
		);
		expect(created).toMatchObject({ status: 0, stdout: 'Created admin root@example.com.' });
		const again = run('admin-create', ['--email', 'root@example.com'], { DATABASE_URL: file });
		expect(again).toMatchObject({ status: 0, stdout: 'root@example.com is now an admin.' });
		const db = openDatabase(file);
		expect(findUserByEmail(db, 'root@example.com')?.role).toBe('admin');
		db.$client.close();
	});

	it('admin:create explains a bad email or a short password', () => {
		const file = freshDatabase();
		const badEmail = run('admin-create', ['--email', 'nope', '--password', 'a long password'], {
			DATABASE_URL: file
		});
		expect(badEmail.status).toBe(1);
		expect(badEmail.stderr).toContain('--email: Enter a valid email address');
		const shortPassword = run('admin-create', ['--email', 'a@example.com', '--password', 'short'], {
			DATABASE_URL: file
		});
		expect(shortPassword.status).toBe(1);
		expect(shortPassword.stderr).toContain('--password: Use at least 8 characters.');
	});
});
