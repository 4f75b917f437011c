import { describe, expect, it } from 'vitest';
import { createUser, findUserByEmail } from '../auth/accounts';
import { openDatabase, type Db } from '../db';
import { users } from '../db/schema';
import { createLedger } from '../ledger';
import { listUsers, promoteListedAdmins, type UserQuery } from './users';

/** Accounts named by their email's local part, signed up a minute apart, each granted `credits`. */
function seed(accounts: [name: string, credits: number][]) {
	const db = openDatabase(':memory:');
	const ledger = createLedger(db);
	accounts.forEach(([name, credits], i) => {
		db.insert(users)
			.values({
				id: `id-${name}`,
				email: `${name}@example.com`,
				passwordHash: 'x',
				createdAt: new Date(Date.UTC(2030, 0, 1) + i * 60_000)
			})
			.run();
		if (credits > 0)
			ledger.grant({
				userId: `id-${name}`,
				amount: credits,
				category: 'free',
				actor: 'system',
				idempotencyKey: `seed-${name}`
			});
	});
	return db;
}

const names = async (db: Db, query: UserQuery) =>
	(await listUsers(db, query)).users.map((user) => user.email.split('@')[0]);

describe('listUsers', () => {
	it('finds accounts by any part of their email, in any case, and nothing for a wildcard', async () => {
		const db = seed([
			['ada', 0],
			['adam', 0],
			['bob', 0],
			['x_y', 0]
		]);
		expect(await names(db, { q: 'AD', sort: 'created', dir: 'asc' })).toEqual(['ada', 'adam']);
		expect(await names(db, { q: 'm@EXAMPLE' })).toEqual(['adam']);
		expect(await names(db, { q: '%' })).toEqual([]);
		expect(await names(db, { q: '_' })).toEqual(['x_y']);
	});

	it('shows each balance and the last activity, and sorts on them', async () => {
		const db = seed([
			['ada', 30],
			['bob', 0],
			['cy', 50],
			['dee', 10]
		]);
		const page = await listUsers(db, { sort: 'balance', dir: 'desc' });
		expect(page.users.map((user) => [user.email, user.balance])).toEqual([
			['cy@example.com', 50],
			['ada@example.com', 30],
			['dee@example.com', 10],
			['bob@example.com', 0]
		]);
		expect(page.users[0].lastActivityAt).toBeInstanceOf(Date);
		expect(page.users[3].lastActivityAt).toBeNull();
		expect(await names(db, { sort: 'balance', dir: 'asc' })).toEqual(['bob', 'dee', 'ada', 'cy']);
		expect(await names(db, { sort: 'created' })).toEqual(['dee', 'cy', 'bob', 'ada']);
		expect((await names(db, { sort: 'activity', dir: 'asc' }))[0]).toBe('bob');
	});

	it('pages forwards and back with keyset cursors, ties broken by id', async () => {
		const db = seed([
			['a', 5],
			['b', 5],
			['c', 5],
			['d', 5],
			['e', 5]
		]);
		const query = { sort: 'balance', dir: 'desc', limit: 2 } as const;
		const first = await listUsers(db, query);
		expect(first.before).toBeNull();
		const second = await listUsers(db, { ...query, after: first.after! });
		const third = await listUsers(db, { ...query, after: second.after! });
		expect(
			[first, second, third].flatMap((page) => page.users.map((user) => user.email[0]))
		).toEqual(['e', 'd', 'c', 'b', 'a']);
		expect(third.after).toBeNull();
		const back = await listUsers(db, { ...query, before: third.before! });
		expect(back).toEqual(second);
		const start = await listUsers(db, { ...query, before: back.before! });
		expect(start.users).toEqual(first.users);
		expect(start.before).toBeNull();
		await expect(listUsers(db, { after: 'nope' })).rejects.toThrow(RangeError);
	});
});

describe('promoteListedAdmins', () => {
	it('makes admins of the listed accounts that exist, and of no one else', async () => {
		const db = openDatabase(':memory:');
		for (const email of ['ada@example.com', 'bob@example.com'])
			await createUser(db, { email, password: 'a long password' });
		await createUser(db, { email: 'root@example.com', password: 'a long password' }, 'admin');

		const promoted = await promoteListedAdmins(db, [
			'ada@example.com',
			'root@example.com',
			'later@example.com'
		]);
		expect(promoted).toEqual(['ada@example.com']);
		expect((await findUserByEmail(db, 'ada@example.com'))?.role).toBe('admin');
		expect((await findUserByEmail(db, 'bob@example.com'))?.role).toBe('user');
		expect(await findUserByEmail(db, 'later@example.com')).toBeUndefined();
		expect(await promoteListedAdmins(db, [])).toEqual([]);
	});
});
