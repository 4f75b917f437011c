import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db';
import { users } from '../db/schema';
import { run, transaction } from '../db/unit';
import { forgivePasswordAttempt, startPasswordAttempt, tooMany } from './accounts';
import { credentialsSchema } from './credentials';
import { hashPassword, passwordRules, verifyPassword } from './password';
import { createSession, invalidateUserSessions, type SessionUser } from './session';

const enterCurrent = 'Enter your current password.';
const wrongCurrent = 'That is not your current password.';

export const passwordChangeFields = ['currentPassword', 'newPassword'] as const;

export const passwordChangeSchema = z
	.object({
		currentPassword: z
			.string({ error: enterCurrent })
			.min(1, enterCurrent)
			.max(passwordRules.max, wrongCurrent),
		newPassword: credentialsSchema.shape.password
	})
	.refine((change) => change.newPassword !== change.currentPassword, {
		path: ['newPassword'],
		message: 'Choose a password other than your current one.'
	});

export type PasswordChange = z.infer<typeof passwordChangeSchema>;

export type PasswordChangeResult =
	| { ok: true; session: { token: string; expiresAt: Date } }
	| { ok: false; status: 400; errors: { currentPassword: string } }
	| { ok: false; status: 429; errors: { currentPassword: string }; retryAfterMs: number };

/**
 * Verifies the current password under sign-in's throttles, then stores the new one and ends every
 * session of the user in one transaction. The caller gets a fresh session rather than keeping its
 * old one, so a copy of the old cookie, wherever it went, is worthless too.
 */
export async function changePassword(
	db: Db,
	user: SessionUser,
	{ currentPassword, newPassword }: PasswordChange,
	ip: string
): Promise<PasswordChangeResult> {
	const wait = await startPasswordAttempt(ip, user.email);
	if (wait > 0)
		return {
			ok: false,
			status: 429,
			errors: { currentPassword: tooMany(wait).message },
			retryAfterMs: wait
		};
	const [stored] = await db
		.select({ passwordHash: users.passwordHash })
		.from(users)
		.where(eq(users.id, user.id))
		.limit(1);
	if (!stored || !(await verifyPassword(stored.passwordHash, currentPassword)))
		return { ok: false, status: 400, errors: { currentPassword: wrongCurrent } };
	forgivePasswordAttempt(ip, user.email);

	const passwordHash = await hashPassword(newPassword);
	const session = await transaction(db, function* (tx) {
		yield* run(tx.update(users).set({ passwordHash }).where(eq(users.id, user.id)));
		yield* invalidateUserSessions(tx, user.id);
		return yield* createSession(tx, user.id);
	});
	return { ok: true, session };
}
