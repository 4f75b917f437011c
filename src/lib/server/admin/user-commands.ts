import { count, eq } from 'drizzle-orm';
import { invalidateUserSessions } from '../auth/session';
import type { Db } from '../db';
import { users } from '../db/schema';
import { recordAudit, type Actor } from './audit';
import { findUserById } from './users';

export type Role = 'user' | 'admin';
export type CommandError = { code: 'user_not_found' | 'last_admin'; message: string };
export type RoleChange = { ok: true; changed: boolean } | ({ ok: false } & CommandError);

/**
 * Promotes or demotes an account and logs it. The last admin cannot be demoted: nobody could then
 * reach the admin area to undo it. The count and the change are one transaction, so two admins
 * demoting each other at once cannot both succeed.
 */
export function changeRole(db: Db, actor: Actor, userId: string, role: Role): RoleChange {
	const action = role === 'admin' ? 'promote' : 'demote';
	// better-sqlite3 is one synchronous connection: what runs through `db` here is inside the transaction.
	return db.transaction(
		() => {
			const result = applyRole(db, userId, role);
			recordAudit(db, actor, {
				action,
				target: `user:${userId}`,
				outcome: result.ok ? 'ok' : 'refused',
				detail: result.ok ? describeChange(result.changed, role) : result.message
			});
			return result;
		},
		{ behavior: 'immediate' }
	);
}

function applyRole(db: Db, userId: string, role: Role): RoleChange {
	const user = findUserById(db, userId);
	if (!user) return { ok: false, code: 'user_not_found', message: 'No such account.' };
	if (user.role === role) return { ok: true, changed: false };
	if (role === 'user' && countAdmins(db) <= 1)
		return {
			ok: false,
			code: 'last_admin',
			message: `${user.email} is the only admin; promote someone else first.`
		};
	db.update(users).set({ role }).where(eq(users.id, userId)).run();
	return { ok: true, changed: true };
}

function describeChange(changed: boolean, role: Role) {
	return changed ? `Made ${role}.` : `Already ${role}; nothing changed.`;
}

function countAdmins(db: Db) {
	return db.select({ n: count() }).from(users).where(eq(users.role, 'admin')).get()!.n;
}

export type SignOutResult = { ok: true; sessions: number } | ({ ok: false } & CommandError);

/** Ends every session of the user, wherever they signed in, and logs it. */
export function signOutEverywhere(db: Db, actor: Actor, userId: string): SignOutResult {
	const target = `user:${userId}`;
	if (!findUserById(db, userId)) {
		const message = 'No such account.';
		recordAudit(db, actor, {
			action: 'sign_out_everywhere',
			target,
			outcome: 'refused',
			detail: message
		});
		return { ok: false, code: 'user_not_found', message };
	}
	const ended = invalidateUserSessions(db, userId);
	recordAudit(db, actor, {
		action: 'sign_out_everywhere',
		target,
		outcome: 'ok',
		detail: `${ended} session${ended === 1 ? '' : 's'} ended.`
	});
	return { ok: true, sessions: ended };
}
