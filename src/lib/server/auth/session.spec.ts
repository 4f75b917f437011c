import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db';
import { eq } from 'drizzle-orm';
import { sessions, users } from '../db/schema';
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
	it('validates a fresh token and returns its user', () => {
		const now = new Date('2026-01-01T00:00:00Z');
		const { token } = createSession(db, userId, now);
		const result = validateSessionToken(db, token, new Date(now.getTime() + 1000));
		expect(result.user).toEqual({ id: userId, email: 'ada@example.com', role: 'user' });
		expect(result.fresh).toBe(false);
	});

	it('stores only a hash of the secret', () => {
		const { token } = createSession(db, userId);
		const [id, secret] = token.split('.');
		const row = db.select().from(sessions).get()!;
		expect(row.id).toBe(id);
		expect(Buffer.from(row.secretHash).toString('utf8')).not.toContain(secret);
		expect(row.secretHash.length).toBe(32);
	});

	it('rejects a tampered secret, a malformed token and an unknown id', () => {
		const { token } = createSession(db, userId);
		const [id, secret] = token.split('.');
		const flipped = secret.slice(0, -1) + (secret.endsWith('a') ? 'b' : 'a');
		expect(validateSessionToken(db, `${id}.${flipped}`).session).toBeNull();
		expect(validateSessionToken(db, `${id}`).session).toBeNull();
		expect(validateSessionToken(db, `${id}.${secret}.extra`).session).toBeNull();
		expect(validateSessionToken(db, `nope.${secret}`).session).toBeNull();
		expect(validateSessionToken(db, token).session).not.toBeNull();
	});

	it('expires after 30 days of inactivity and deletes the session', () => {
		const now = new Date('2026-01-01T00:00:00Z');
		const { token } = createSession(db, userId, now);
		expect(validateSessionToken(db, token, new Date(now.getTime() + 30 * day)).session).toBeNull();
		expect(db.select().from(sessions).all()).toHaveLength(0);
	});

	it('slides the expiry forward at most once an hour', () => {
		const start = new Date('2026-01-01T00:00:00Z');
		const { token, expiresAt } = createSession(db, userId, start);
		const soon = validateSessionToken(db, token, new Date(start.getTime() + 30 * 60 * 1000));
		expect(soon.fresh).toBe(false);
		expect(soon.session?.expiresAt).toEqual(expiresAt);

		const later = new Date(start.getTime() + 20 * day);
		const refreshed = validateSessionToken(db, token, later);
		expect(refreshed.fresh).toBe(true);
		expect(refreshed.session?.expiresAt).toEqual(new Date(later.getTime() + 30 * day));
		expect(
			validateSessionToken(db, token, new Date(start.getTime() + 40 * day)).session
		).not.toBeNull();
	});
});

describe('the prepared session lookup', () => {
	it('sees a role change, a sign-out and a deleted account at the next request', async () => {
		const { token } = createSession(db, userId);
		expect(validateSessionToken(db, token).user?.role).toBe('user');
		db.update(users).set({ role: 'admin' }).where(eq(users.id, userId)).run();
		expect(validateSessionToken(db, token).user?.role).toBe('admin');

		invalidateUserSessions(db, userId);
		expect(validateSessionToken(db, token).session).toBeNull();

		const again = createSession(db, userId);
		db.delete(users).where(eq(users.id, userId)).run();
		expect(validateSessionToken(db, again.token).session).toBeNull();
	});

	it('answers from the database it is given, each with its own sessions', async () => {
		const other = openDatabase(':memory:');
		const otherId = (await createUser(other, {
			email: 'bob@example.com',
			password: 'long enough'
		}))!.id;
		const here = createSession(db, userId);
		const there = createSession(other, otherId);
		expect(validateSessionToken(db, here.token).user?.email).toBe('ada@example.com');
		expect(validateSessionToken(other, there.token).user?.email).toBe('bob@example.com');
		expect(validateSessionToken(other, here.token).session).toBeNull();
		expect(validateSessionToken(db, there.token).session).toBeNull();
	});
});

describe("a user's sessions", () => {
	it('lists the ones still active, and signing out everywhere ends them all', async () => {
		const start = new Date('2026-01-01T00:00:00Z');
		const old = createSession(db, userId, start);
		const phone = createSession(db, userId, new Date(start.getTime() + 20 * day));
		const laptop = createSession(db, userId, new Date(start.getTime() + 21 * day));
		const otherId = (await createUser(db, { email: 'bob@example.com', password: 'long enough' }))!
			.id;
		const other = createSession(db, otherId, start);
		const now = new Date(start.getTime() + 31 * day);
		expect(listActiveSessions(db, userId, { now }).map((s) => s.expiresAt)).toEqual([
			laptop.expiresAt,
			phone.expiresAt
		]);
		expect(invalidateUserSessions(db, userId)).toBe(3);
		for (const { token } of [old, phone, laptop])
			expect(validateSessionToken(db, token, now).session).toBeNull();
		expect(validateSessionToken(db, other.token, start).session).not.toBeNull();
	});

	it('marks the session of the device asking, and only that one', () => {
		const laptop = createSession(db, userId);
		createSession(db, userId);
		const [laptopId] = laptop.token.split('.');
		const listed = listActiveSessions(db, userId, { currentSessionId: laptopId });
		expect(listed.map((session) => session.current).sort()).toEqual([false, true]);
		expect(listActiveSessions(db, userId).some((session) => session.current)).toBe(false);
		expect(JSON.stringify(listed)).not.toContain(laptopId);
	});
});
