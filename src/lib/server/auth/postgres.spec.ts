import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Db } from '../db';
import { createPgTestDatabase, type PgTestDatabase } from '../db/pg/testing';
import { perform } from '../db/unit';
import { findUserByEmail, signIn, signInSlowdown, signUp } from './accounts';
import { invalidateUserSessions, validateSessionToken } from './session';

// The same app code on PostgreSQL: node-postgres's drizzle runs the query builders over the very
// table objects SQLite's does.
let database: PgTestDatabase;
let db: Db;

beforeAll(async () => {
	database = await createPgTestDatabase();
	db = database.db as unknown as Db;
	vi.spyOn(signInSlowdown, 'pause').mockResolvedValue();
});

afterAll(() => database.drop());

describe('accounts and sessions on PostgreSQL', () => {
	it('sign up once per email, sign in, and find the account', async () => {
		const ada = { email: 'ada@pg.example.com', password: 'correct horse' };
		const created = await signUp(db, ada, '10.1.0.1');
		expect(created.ok).toBe(true);
		expect((await signUp(db, ada, '10.1.0.1')).ok).toBe(false);
		expect((await signIn(db, ada, '10.1.0.2')).ok).toBe(true);
		expect((await signIn(db, { ...ada, password: 'wrong guess' }, '10.1.0.2')).ok).toBe(false);
		expect((await findUserByEmail(db, ada.email))?.email).toBe(ada.email);
	});

	it('run the prepared session lookup and the sign-out everywhere', async () => {
		const bob = await signUp(
			db,
			{ email: 'bob@pg.example.com', password: 'long enough' },
			'10.1.0.3'
		);
		if (!bob.ok) throw new Error(bob.message);
		expect((await validateSessionToken(db, 'unknown.secret')).session).toBeNull();
		expect(await perform(db, invalidateUserSessions(db, bob.user.id))).toBe(0);
	});
});
