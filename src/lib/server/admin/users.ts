import { and, asc, desc, eq, gt, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db';
import { all, changed, first, type Unit } from '../db/unit';
import { users } from '../db/schema';
import { joinUserBalances, userBalanceColumns as balances } from '../ledger';
import { userSorts, type UserRowView, type UserSort } from '../../types';

export { userSorts };
export type SortDirection = 'asc' | 'desc';
/** `<sort key>.<user id>`: the row a page starts after (or ends before). */
export const userCursorPattern = /^-?\d{1,16}\.[A-Za-z0-9_-]{1,64}$/;

export type UserQuery = {
	/** part of the email, any case */
	q?: string;
	sort?: UserSort;
	dir?: SortDirection;
	/** the next page starts after this row */
	after?: string;
	/** the previous page ends before this row */
	before?: string;
	limit?: number;
};
export type UserPage = { users: UserRowView[]; after: string | null; before: string | null };

/**
 * One page of accounts with their balances, in one query: keyset-paginated on (sort key, id) in either
 * direction, so every page is as fast as the first and a link to it keeps meaning the same rows.
 */
export async function listUsers(db: Db, query: UserQuery = {}): Promise<UserPage> {
	const { sort = 'created', dir = 'desc' } = query;
	const limit = Math.min(Math.max(query.limit ?? 50, 1), 200);
	const keys: Record<UserSort, SQL<number>> = {
		balance: balances.balance,
		created: sql<number>`${users.createdAt}`,
		activity: sql<number>`coalesce(${balances.lastTransferAt}, 0)`
	};
	const key = keys[sort];
	const backwards = query.before !== undefined;
	const cursor = parseCursor(query.before ?? query.after);
	// Walking backwards reads the rows before the cursor in reverse order, then turns them round.
	const ascending = (dir === 'asc') !== backwards;
	const beyond = ascending ? gt : lt;
	const selection = db
		.select({
			id: users.id,
			email: users.email,
			role: users.role,
			createdAt: users.createdAt,
			balance: keys.balance,
			lastActivityAt: balances.lastTransferAt,
			key
		})
		.from(users)
		.$dynamic();
	const rows = await joinUserBalances(selection, users.id)
		.where(
			and(
				query.q ? emailContains(query.q) : undefined,
				cursor
					? or(beyond(key, cursor.key), and(eq(key, cursor.key), beyond(users.id, cursor.id)))
					: undefined
			)
		)
		.orderBy(...(ascending ? [asc(key), asc(users.id)] : [desc(key), desc(users.id)]))
		.limit(limit + 1);
	const more = rows.length > limit;
	const page = rows.slice(0, limit);
	if (backwards) page.reverse();
	const first = page[0];
	const last = page[page.length - 1];
	const hasBefore = backwards ? more : query.after !== undefined;
	const hasAfter = backwards || more;
	return {
		users: page.map(({ key: _key, lastActivityAt, ...row }) => ({
			...row,
			lastActivityAt: lastActivityAt === null ? null : new Date(lastActivityAt)
		})),
		after: hasAfter && last ? cursorOf(last) : null,
		before: hasBefore && first ? cursorOf(first) : null
	};
}

function emailContains(text: string) {
	const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
	return sql`lower(${users.email}) like ${pattern} escape '\\'`;
}

function cursorOf(row: { key: number; id: string }) {
	return `${row.key}.${row.id}`;
}

function parseCursor(cursor: string | undefined) {
	if (cursor === undefined) return null;
	if (!userCursorPattern.test(cursor)) throw new RangeError(`invalid users cursor "${cursor}"`);
	const dot = cursor.indexOf('.');
	return { key: Number(cursor.slice(0, dot)), id: cursor.slice(dot + 1) };
}

/** Makes an existing account an admin; returns false when no account has that id. */
export async function promoteToAdmin(db: Db, userId: string): Promise<boolean> {
	return (await changed(db.update(users).set({ role: 'admin' }).where(eq(users.id, userId)))) > 0;
}

/**
 * Makes admins of the accounts with these emails that exist now, and returns the emails it promoted.
 * Run at start-up only: emails are not verified, so signing up with a listed address must grant nothing.
 */
export async function promoteListedAdmins(db: Db, emails: string[]): Promise<string[]> {
	if (emails.length === 0) return [];
	const promoted = await db
		.update(users)
		.set({ role: 'admin' })
		.where(and(inArray(users.email, emails), eq(users.role, 'user')))
		.returning({ email: users.email });
	return promoted.map(({ email }) => email);
}

/** A unit, so that a transaction can read the account it changes. */
export function* findUserById(db: Db, id: string) {
	return yield* first(
		db
			.select({ id: users.id, email: users.email, role: users.role, createdAt: users.createdAt })
			.from(users)
			.where(eq(users.id, id))
			.limit(1)
	);
}

/** The ids of the accounts with these emails, by email; emails without an account are absent. */
export function* findUserIdsByEmail(db: Db, emails: string[]): Unit<Map<string, string>> {
	const found = new Map<string, string>();
	const unique = [...new Set(emails)];
	// Well under SQLite's limit on bound parameters per statement.
	for (let i = 0; i < unique.length; i += 500) {
		const rows = yield* all(
			db
				.select({ id: users.id, email: users.email })
				.from(users)
				.where(inArray(users.email, unique.slice(i, i + 500)))
		);
		for (const { id, email } of rows) found.set(email, id);
	}
	return found;
}
