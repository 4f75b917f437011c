import { describe, expect, it } from 'vitest';
import { createUser, findUserByEmail } from '../auth/accounts';
import { openDatabase } from '../db';
import { promoteListedAdmins } from './users';

describe('promoteListedAdmins', () => {
	it('makes admins of the listed accounts that exist, and of no one else', async () => {
		const db = openDatabase(':memory:');
		for (const email of ['ada@example.com', 'bob@example.com'])
			await createUser(db, { email, password: 'a long password' });
		await createUser(db, { email: 'root@example.com', password: 'a long password' }, 'admin');

		const promoted = promoteListedAdmins(db, [
			'ada@example.com',
			'root@example.com',
			'later@example.com'
		]);
		expect(promoted).toEqual(['ada@example.com']);
		expect(findUserByEmail(db, 'ada@example.com')?.role).toBe('admin');
		expect(findUserByEmail(db, 'bob@example.com')?.role).toBe('user');
		expect(findUserByEmail(db, 'later@example.com')).toBeUndefined();
		expect(promoteListedAdmins(db, [])).toEqual([]);
	});
});
