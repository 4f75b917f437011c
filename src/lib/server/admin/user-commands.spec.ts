import { describe, expect, it } from 'vitest';
import { createSession, validateSessionToken } from '../auth/session';
import { openDatabase } from '../db';
import { perform } from '../db/unit';
import { auditLog, users } from '../db/schema';
import { changeRole, signOutEverywhere } from './user-commands';
import { findUserById } from './users';

function setup(roles: Record<string, 'user' | 'admin'>) {
	const db = openDatabase(':memory:');
	for (const [id, role] of Object.entries(roles))
		db.insert(users)
			.values({ id, email: `${id}@example.com`, passwordHash: 'x', role })
			.run();
	const audit = () =>
		db
			.select()
			.from(auditLog)
			.all()
			.map(({ action, target, outcome }) => [action, target, outcome]);
	return { db, audit, actor: { id: 'root', email: 'root@example.com' } };
}

describe('changeRole', () => {
	it('promotes and demotes, logging each', async () => {
		const { db, audit, actor } = setup({ root: 'admin', ada: 'user' });
		expect(await changeRole(db, actor, 'ada', 'admin')).toEqual({ ok: true, changed: true });
		expect((await perform(db, findUserById(db, 'ada')))?.role).toBe('admin');
		expect(await changeRole(db, actor, 'ada', 'user')).toEqual({ ok: true, changed: true });
		expect((await perform(db, findUserById(db, 'ada')))?.role).toBe('user');
		expect(audit()).toEqual([
			['promote', 'user:ada', 'ok'],
			['demote', 'user:ada', 'ok']
		]);
	});

	it('never demotes the last admin, and says so', async () => {
		const { db, audit, actor } = setup({ root: 'admin', ada: 'user' });
		expect(await changeRole(db, actor, 'root', 'user')).toEqual({
			ok: false,
			code: 'last_admin',
			message: 'root@example.com is the only admin; promote someone else first.'
		});
		expect((await perform(db, findUserById(db, 'root')))?.role).toBe('admin');
		expect(audit()).toEqual([['demote', 'user:root', 'refused']]);
	});

	it('demotes one of two admins, then refuses the other', async () => {
		const { db, actor } = setup({ root: 'admin', ada: 'admin' });
		expect((await changeRole(db, actor, 'ada', 'user')).ok).toBe(true);
		expect(await changeRole(db, actor, 'root', 'user')).toMatchObject({
			ok: false,
			code: 'last_admin'
		});
	});

	it('refuses an unknown account and changes nothing for a role it already has', async () => {
		const { db, audit, actor } = setup({ root: 'admin' });
		expect(await changeRole(db, actor, 'ghost', 'admin')).toMatchObject({
			ok: false,
			code: 'user_not_found'
		});
		expect(await changeRole(db, actor, 'root', 'admin')).toEqual({ ok: true, changed: false });
		expect(db.select().from(users).all()).toHaveLength(1);
		expect(audit()).toEqual([
			['promote', 'user:ghost', 'refused'],
			['promote', 'user:root', 'ok']
		]);
	});
});

describe('signOutEverywhere', () => {
	it("ends every session of the user and no one else's, and logs it", async () => {
		const { db, audit, actor } = setup({ root: 'admin', ada: 'user' });
		const sessions = [
			await perform(db, createSession(db, 'ada')),
			await perform(db, createSession(db, 'ada'))
		];
		const own = await perform(db, createSession(db, 'root'));
		expect(await signOutEverywhere(db, actor, 'ada')).toEqual({ ok: true, sessions: 2 });
		for (const { token } of sessions)
			expect((await validateSessionToken(db, token)).session).toBeNull();
		expect((await validateSessionToken(db, own.token)).session).not.toBeNull();
		expect(await signOutEverywhere(db, actor, 'ghost')).toMatchObject({
			ok: false,
			code: 'user_not_found'
		});
		expect(audit()).toEqual([
			['sign_out_everywhere', 'user:ada', 'ok'],
			['sign_out_everywhere', 'user:ghost', 'refused']
		]);
	});
});
