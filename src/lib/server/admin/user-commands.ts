import { eq } from 'drizzle-orm';
import { invalidateUserSessions } from '../auth/session';
import type { Db } from '../db';
import { all, perform, run, transaction, type Unit } from '../db/unit';
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
export function changeRole(db: Db, actor: Actor, userId: string, role: Role): Promise<RoleChange> {
	const action = role === 'admin' ? 'promote' : 'demote';
	return transaction(db, function* (tx) {
		const result = yield* applyRole(tx, userId, role);
		yield* recordAudit(tx, actor, {
			action,
			target: `user:${userId}`,
			outcome: result.ok ? 'ok' : 'refused',
			detail: result.ok ? describeChange(result.changed, role) : result.message
		});
		return result;
	});
}

function* applyRole(tx: Db, userId: string, role: Role): Unit<RoleChange> {
	const user = yield* findUserById(tx, userId);
	if (!user) return { ok: false, code: 'user_not_found', message: 'No such account.' };
	if (user.role === role) return { ok: true, changed: false };
	if (role === 'user' && (yield* countAdmins(tx)) <= 1)
		return {
			ok: false,
			code: 'last_admin',
			message: `${user.email} is the only admin; promote someone else first.`
		};
	yield* run(tx.update(users).set({ role }).where(eq(users.id, userId)));
	return { ok: true, changed: true };
}

function describeChange(changed: boolean, role: Role) {
	return changed ? `Made ${role}.` : `Already ${role}; nothing changed.`;
}

// Locked, so that two admins demoting each other at once on PostgreSQL cannot both see the other left.
function* countAdmins(tx: Db): Unit<number> {
	const admins = tx.select({ id: users.id }).from(users).where(eq(users.role, 'admin'));
	return (yield* all(admins, { forUpdate: true })).length;
}

export type SignOutResult = { ok: true; sessions: number } | ({ ok: false } & CommandError);

/** Ends every session of the user, wherever they signed in, and logs it. */
export async function signOutEverywhere(
	db: Db,
	actor: Actor,
	userId: string
): Promise<SignOutResult> {
	const target = `user:${userId}`;
	if (!(await perform(db, findUserById(db, userId)))) {
		const message = 'No such account.';
		await perform(
			db,
			recordAudit(db, actor, {
				action: 'sign_out_everywhere',
				target,
				outcome: 'refused',
				detail: message
			})
		);
		return { ok: false, code: 'user_not_found', message };
	}
	const ended = await transaction(db, function* (tx) {
		const count = yield* invalidateUserSessions(tx, userId);
		yield* recordAudit(tx, actor, {
			action: 'sign_out_everywhere',
			target,
			outcome: 'ok',
			detail: `${count} session${count === 1 ? '' : 's'} ended.`
		});
		return count;
	});
	return { ok: true, sessions: ended };
}
