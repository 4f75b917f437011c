import { desc, eq } from 'drizzle-orm';
import type { Db } from '../db';
import { users } from '../db/schema';

export function listUsers(db: Db, limit = 50) {
	return db
		.select({ id: users.id, email: users.email, role: users.role, createdAt: users.createdAt })
		.from(users)
		.orderBy(desc(users.createdAt))
		.limit(limit)
		.all();
}

/** Makes an existing account an admin; returns false when no account has that id. */
export function promoteToAdmin(db: Db, userId: string): boolean {
	return db.update(users).set({ role: 'admin' }).where(eq(users.id, userId)).run().changes > 0;
}
