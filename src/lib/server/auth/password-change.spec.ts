import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parseFields } from '../admin/form-fields';
import { openDatabase, type Db } from '../db';
import { sessions, users } from '../db/schema';
import { perform } from '../db/unit';
import { createUser, signIn, signInSlowdown, throttles } from './accounts';
import { changePassword, passwordChangeFields, passwordChangeSchema } from './password-change';
import { createSession, validateSessionToken, type SessionUser } from './session';

const ada = { email: 'ada@example.com', password: 'correct horse' };
const next = 'battery staple 2';
let db: Db;
let user: SessionUser;

beforeEach(async () => {
	db = openDatabase(':memory:');
	for (const throttle of Object.values(throttles)) throttle.clear();
	vi.restoreAllMocks();
	const created = (await createUser(db, ada))!;
	user = { id: created.id, email: created.email, role: created.role };
});

async function snapshot() {
	return {
		passwordHash: await db.select({ hash: users.passwordHash }).from(users),
		sessions: await db.select().from(sessions)
	};
}

function parse(fields: Record<string, string>) {
	const form = new FormData();
	for (const [name, value] of Object.entries(fields)) form.set(name, value);
	return parseFields(passwordChangeSchema, form, passwordChangeFields);
}

describe('changing the password', () => {
	it('stores the new password, ends every session of the user, and gives this device a fresh one', async () => {
		const here = await perform(db, createSession(db, user.id));
		const phone = await perform(db, createSession(db, user.id));
		const bob = (await createUser(db, { email: 'bob@example.com', password: 'long enough' }))!;
		const bobs = await perform(db, createSession(db, bob.id));

		const result = await changePassword(
			db,
			user,
			{ currentPassword: ada.password, newPassword: next },
			'10.0.0.1'
		);

		expect(result.ok).toBe(true);
		if (!result.ok) return;
		expect((await validateSessionToken(db, here.token)).session).toBeNull();
		expect((await validateSessionToken(db, phone.token)).session).toBeNull();
		expect((await validateSessionToken(db, result.session.token)).user?.id).toBe(user.id);
		expect((await validateSessionToken(db, bobs.token)).user?.id).toBe(bob.id);
		expect((await signIn(db, ada, '10.0.0.2')).ok).toBe(false);
		expect((await signIn(db, { ...ada, password: next }, '10.0.0.2')).ok).toBe(true);
	});

	it('refuses a wrong current password next to its field and writes nothing', async () => {
		await perform(db, createSession(db, user.id));
		const before = await snapshot();
		const result = await changePassword(
			db,
			user,
			{ currentPassword: 'not my password', newPassword: next },
			'10.0.0.1'
		);
		expect(result).toEqual({
			ok: false,
			status: 400,
			errors: { currentPassword: 'That is not your current password.' }
		});
		expect(await snapshot()).toEqual(before);
	});

	it('counts wrong guesses with sign-in: after 5 from one IP even the right password is refused with 429', async () => {
		vi.spyOn(signInSlowdown, 'pause').mockResolvedValue();
		for (let attempt = 0; attempt < 3; attempt++)
			await signIn(db, { ...ada, password: 'wrong guess' }, '10.0.7.1');
		for (let attempt = 0; attempt < 2; attempt++) {
			const guess = { currentPassword: `guess ${attempt}`, newPassword: next };
			expect(await changePassword(db, user, guess, '10.0.7.1')).toMatchObject({ status: 400 });
		}
		const before = await snapshot();
		const refused = await changePassword(
			db,
			user,
			{ currentPassword: ada.password, newPassword: next },
			'10.0.7.1'
		);
		expect(refused).toEqual({
			ok: false,
			status: 429,
			errors: { currentPassword: 'Too many attempts. Try again in 15 minutes.' },
			retryAfterMs: expect.any(Number)
		});
		expect(await snapshot()).toEqual(before);
		const elsewhere = await changePassword(
			db,
			user,
			{ currentPassword: ada.password, newPassword: next },
			'10.0.7.2'
		);
		expect(elsewhere.ok).toBe(true);
	});
});

describe('the password change form', () => {
	it('holds the new password to the sign-up rules', () => {
		expect(parse({ currentPassword: ada.password, newPassword: 'short' })).toMatchObject({
			ok: false,
			errors: { newPassword: 'Use at least 8 characters.' }
		});
		expect(parse({ currentPassword: ada.password, newPassword: 'x'.repeat(256) })).toMatchObject({
			ok: false,
			errors: { newPassword: 'Use at most 255 characters.' }
		});
		expect(parse({ currentPassword: ada.password, newPassword: next })).toMatchObject({
			ok: true,
			data: { currentPassword: ada.password, newPassword: next }
		});
	});

	it('asks for the current password and for a new one that differs from it', () => {
		expect(parse({ newPassword: next })).toMatchObject({
			ok: false,
			errors: { currentPassword: 'Enter your current password.' }
		});
		expect(parse({ currentPassword: ada.password, newPassword: ada.password })).toMatchObject({
			ok: false,
			errors: { newPassword: 'Choose a password other than your current one.' }
		});
	});
});
