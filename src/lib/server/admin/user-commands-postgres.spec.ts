import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { asAppDb, usePgTestDatabase } from '../db/pg/testing';
import { users } from '../db/schema';
import { changeRole } from './user-commands';

describe('changeRole on PostgreSQL', () => {
	const database = usePgTestDatabase({ max: 8 });

	// READ COMMITTED lets two transactions each count two admins and demote a different one; the
	// count locks the admins' rows, so the second waits and counts again.
	it('lets only one of two admins demoting each other at once succeed, round after round', async () => {
		const db = asAppDb(database().db);
		for (let round = 0; round < 10; round++) {
			const [ada, bob] = [`ada${round}`, `bob${round}`];
			await db.delete(users);
			await db.insert(users).values(
				[ada, bob].map((id) => ({
					id,
					email: `${id}@example.com`,
					passwordHash: 'x',
					role: 'admin' as const
				}))
			);
			const actor = (id: string) => ({ id, email: `${id}@example.com` });
			const results = await Promise.all([
				changeRole(db, actor(ada), bob, 'user'),
				changeRole(db, actor(bob), ada, 'user')
			]);
			expect(results.map((result) => result.ok).sort()).toEqual([false, true]);
			expect(results.find((result) => !result.ok)).toMatchObject({ code: 'last_admin' });
			const admins = await db.select({ id: users.id }).from(users).where(eq(users.role, 'admin'));
			expect(admins).toHaveLength(1);
		}
	});
});
