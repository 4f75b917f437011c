import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signIn } from './auth/accounts';
import { openDatabase } from './db';
import { ensureDemoAccounts } from './demo';

describe('demo accounts', () => {
	it('are created once with printed logins that work, and reused on the next start', async () => {
		const db = openDatabase(':memory:');
		const file = join(mkdtempSync(join(tmpdir(), 'credits-demo-')), 'demo-logins.json');
		const created: string[] = [];
		const first = await ensureDemoAccounts(db, file, (user) => created.push(user.email));
		expect(first.map(({ role, email }) => [role, email])).toEqual([
			['admin', 'admin@example.com'],
			['user', 'user@example.com']
		]);
		expect(created).toEqual(['admin@example.com', 'user@example.com']);

		const second = await ensureDemoAccounts(db, file, (user) => created.push(user.email));
		expect(second).toEqual(first);
		expect(created).toHaveLength(2);
		for (const login of second)
			expect((await signIn(db, login, `10.9.0.${login.role.length}`)).ok).toBe(true);
	});

	it('give an account a new password when the logins file was lost', async () => {
		const db = openDatabase(':memory:');
		const file = join(mkdtempSync(join(tmpdir(), 'credits-demo-')), 'demo-logins.json');
		const first = await ensureDemoAccounts(db, file);
		rmSync(file);
		const second = await ensureDemoAccounts(db, file);
		expect(second[0].password).not.toBe(first[0].password);
		expect((await signIn(db, second[0], '10.9.1.1')).ok).toBe(true);
	});
});
