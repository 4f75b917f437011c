import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findUserByEmail, signIn } from './auth/accounts';
import { createSession, validateSessionToken } from './auth/session';
import { openDatabase } from './db';
import { perform } from './db/unit';
import { ensureDemoAccounts, retireDemoAccounts } from './demo';

describe('demo accounts', () => {
	it('are created once with printed logins that work, and reused on the next start', async () => {
		const db = openDatabase(':memory:');
		const file = join(mkdtempSync(join(tmpdir(), 'credits-demo-')), 'demo-logins.json');
		const created: string[] = [];
		const first = await ensureDemoAccounts(db, file, async (user) => {
			created.push(user.email);
		});
		expect(first.map(({ role, email }) => [role, email])).toEqual([
			['admin', 'admin@example.com'],
			['user', 'user@example.com']
		]);
		expect(created).toEqual(['admin@example.com', 'user@example.com']);

		const second = await ensureDemoAccounts(db, file, async (user) => {
			created.push(user.email);
		});
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

describe('retiring the demo accounts (first start with a real Stripe key)', () => {
	it('signs them out, makes their password useless, deletes the logins file, once', async () => {
		const db = openDatabase(':memory:');
		const file = join(mkdtempSync(join(tmpdir(), 'credits-demo-')), 'demo-logins.json');
		const logins = await ensureDemoAccounts(db, file);
		const admin = (await findUserByEmail(db, 'admin@example.com'))!;
		const { token } = await perform(db, createSession(db, admin.id));

		expect(await retireDemoAccounts(db, file)).toEqual({
			disabled: ['admin@example.com', 'user@example.com'],
			deletedFile: true
		});
		expect(existsSync(file)).toBe(false);
		expect((await validateSessionToken(db, token)).session).toBeNull();
		for (const login of logins)
			expect((await signIn(db, login, `10.9.2.${login.role.length}`)).ok).toBe(false);
		expect(await findUserByEmail(db, 'user@example.com')).toBeDefined();
		expect(await retireDemoAccounts(db, file)).toEqual({ disabled: [], deletedFile: false });
	});

	it('leave a database without demo accounts alone', async () => {
		const db = openDatabase(':memory:');
		const file = join(mkdtempSync(join(tmpdir(), 'credits-demo-')), 'demo-logins.json');
		expect(await retireDemoAccounts(db, file)).toEqual({ disabled: [], deletedFile: false });
	});

	it('come back with new logins when the demo starts again', async () => {
		const db = openDatabase(':memory:');
		const file = join(mkdtempSync(join(tmpdir(), 'credits-demo-')), 'demo-logins.json');
		await ensureDemoAccounts(db, file);
		await retireDemoAccounts(db, file);
		const again = await ensureDemoAccounts(db, file);
		expect((await signIn(db, again[1], '10.9.3.1')).ok).toBe(true);
	});
});
