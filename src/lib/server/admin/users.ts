import { and, desc, eq, inArray } from 'drizzle-orm';
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

/**
 * Makes admins of the accounts with these emails that exist now, and returns the emails it promoted.
 * Run at start-up only: emails are not verified, so signing up with a listed address must grant nothing.
 */
export function promoteListedAdmins(db: Db, emails: string[]): string[] {
	if (emails.length === 0) return [];
	return db
		.update(users)
		.set({ role: 'admin' })
		.where(and(inArray(users.email, emails), eq(users.role, 'user')))
		.returning({ email: users.email })
		.all()
		.map(({ email }) => email);
}

export function findUserById(db: Db, id: string) {
	return db
		.select({ id: users.id, email: users.email, role: users.role, createdAt: users.createdAt })
		.from(users)
		.where(eq(users.id, id))
		.get();
}

/** The ids of the accounts with these emails, by email; emails without an account are absent. */
export function findUserIdsByEmail(db: Db, emails: string[]): Map<string, string> {
	const found = new Map<string, string>();
	const unique = [...new Set(emails)];
	// Well under SQLite's limit on bound parameters per statement.
	for (let i = 0; i < unique.length; i += 500) {
		const rows = db
			.select({ id: users.id, email: users.email })
			.from(users)
			.where(inArray(users.email, unique.slice(i, i + 500)))
			.all();
		for (const { id, email } of rows) found.set(email, id);
	}
	return found;
}
