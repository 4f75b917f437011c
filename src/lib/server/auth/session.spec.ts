import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db';
import { eq } from 'drizzle-orm';
import { sessions, users } from '../db/schema';
import { perform } from '../db/unit';
import { createUser } from './accounts';
import {
	createSession,
	invalidateUserSessions,
	listActiveSessions,
	validateSessionToken
} from './session';

const hour = 60 * 60 * 1000;
const day = 24 * hour;
let db: Db;
let userId: string;

beforeEach(async () => {
	db = openDatabase(':memory:');
	userId = (await createUser(db, { email: 'ada@example.com', password: 'long enough' }))!.id;
});

describe('session tokens', () => {
	it('validates a fresh token and returns its user', async () => {
		const now = new Date('2026-01-01T00:00:00Z');
		const { token } = await perform(db, createSession(db, userId, now));
		const result = await validateSessionToken(db, token, new Date(now.getTime() + 1000));
		expect(result.user).toEqual({ id: userId, email: 'ada@example.com', role: 'user' });
		expect(result.fresh).toBe(false);
	});

	it('stores only a hash of the secret', async () => {
		const { token } = await perform(db, createSession(db, userId));
		const [id, secret] = token.split('.');
		const [row] = await db.select().from(sessions).limit(1);
		expect(row.id).toBe(id);
		expect(Buffer.from(row.secretHash).toString('utf8')).not.toContain(secret);
		expect(row.secretHash.length).toBe(32);
	});

	it('rejects a tampered secret, a malformed token and an unknown id', async () => {
		const { token } = await perform(db, createSession(db, userId));
		const [id, secret] = token.split('.');
		const flipped = secret.slice(0, -1) + (secret.endsWith('a') ? 'b' : 'a');
		expect((await validateSessionToken(db, `${id}.${flipped}`)).session).toBeNull();
		expect((await validateSessionToken(db, `${id}`)).session).toBeNull();
		expect((await validateSessionToken(db, `${id}.${secret}.extra`)).session).toBeNull();
		expect((await validateSessionToken(db, `nope.${secret}`)).session).toBeNull();
		expect((await validateSessionToken(db, token)).session).not.toBeNull();
	});

	it('expires after 30 days of inactivity and deletes the session', async () => {
		const now = new Date('2026-01-01T00:00:00Z');
		const { token } = await perform(db, createSession(db, userId, now));
		expect(
			(await validateSessionToken(db, token, new Date(now.getTime() + 30 * day))).session
		).toBeNull();
		expect(await db.select().from(sessions)).toHaveLength(0);
	});

	it('slides the expiry forward at most once an hour', async () => {
		const start = new Date('2026-01-01T00:00:00Z');
		const { token, expiresAt } = await perform(db, createSession(db, userId, start));
		const soon = await validateSessionToken(db, token, new Date(start.getTime() + 30 * 60 * 1000));
		expect(soon.fresh).toBe(false);
		expect(soon.session?.expiresAt).toEqual(expiresAt);

		const later = new Date(start.getTime() + 20 * day);
		const refreshed = await validateSessionToken(db, token, later);
		expect(refreshed.fresh).toBe(true);
		expect(refreshed.session?.expiresAt).toEqual(new Date(later.getTime() + 30 * day));
		expect(
			(await validateSessionToken(db, token, new Date(start.getTime() + 40 * day))).session
		).not.toBeNull();
	});
});

describe('the prepared session lookup', () => {
	it('sees a role change, a sign-out and a deleted account at the next request', async () => {
		const { token } = await perform(db, createSession(db, userId));
		expect((await validateSessionToken(db, token)).user?.role).toBe('user');
		await db.update(users).set({ role: 'admin' }).where(eq(users.id, userId));
		expect((await validateSessionToken(db, token)).user?.role).toBe('admin');

		await perform(db, invalidateUserSessions(db, userId));
		expect((await validateSessionToken(db, token)).session).toBeNull();

		const again = await perform(db, createSession(db, userId));
		await db.delete(users).where(eq(users.id, userId));
		expect((await validateSessionToken(db, again.token)).session).toBeNull();
	});

	it('answers from the database it is given, each with its own sessions', async () => {
		const other = openDatabase(':memory:');
		const otherId = (await createUser(other, {
			email: 'bob@example.com',
			password: 'long enough'
		}))!.id;
		const here = await perform(db, createSession(db, userId));
		const there = await perform(other, createSession(other, otherId));
		expect((await validateSessionToken(db, here.token)).user?.email).toBe('ada@example.com');
		expect((await validateSessionToken(other, there.token)).user?.email).toBe('bob@example.com');
		expect((await validateSessionToken(other, here.token)).session).toBeNull();
		expect((await validateSessionToken(db, there.token)).session).toBeNull();
	});
});

describe("a user's sessions", () => {
	it('lists the ones still active, and signing out everywhere ends them all', async () => {
		const start = new Date('2026-01-01T00:00:00Z');
		const old = await perform(db, createSession(db, userId, start));
		const phone = await perform(
			db,
			createSession(db, userId, new Date(start.getTime() + 20 * day))
		);
		const laptop = await perform(
			db,
			createSession(db, userId, new Date(start.getTime() + 21 * day))
		);
		const otherId = (await createUser(db, { email: 'bob@example.com', password: 'long enough' }))!
			.id;
		const other = await perform(db, createSession(db, otherId, start));
		const now = new Date(start.getTime() + 31 * day);
		expect((await listActiveSessions(db, userId, { now })).map((s) => s.expiresAt)).toEqual([
			laptop.expiresAt,
			phone.expiresAt
		]);
		expect(await perform(db, invalidateUserSessions(db, userId))).toBe(3);
		for (const { token } of [old, phone, laptop])
			expect((await validateSessionToken(db, token, now)).session).toBeNull();
		expect((await validateSessionToken(db, other.token, start)).session).not.toBeNull();
	});

	it('marks the session of the device asking, and only that one', async () => {
		const laptop = await perform(db, createSession(db, userId));
		await perform(db, createSession(db, userId));
		const [laptopId] = laptop.token.split('.');
		const listed = await listActiveSessions(db, userId, { currentSessionId: laptopId });
		expect(listed.map((session) => session.current).sort()).toEqual([false, true]);
		expect((await listActiveSessions(db, userId)).some((session) => session.current)).toBe(false);
		expect(JSON.stringify(listed)).not.toContain(laptopId);
	});
});
