import { eq } from 'drizzle-orm';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { createUser, findUserByEmail } from './auth/accounts';
import { hashPassword } from './auth/password';
import { invalidateUserSessions } from './auth/session';
import { generateSecureRandomString } from './random';
import type { Db } from './db';
import { run, transaction } from './db/unit';
import { users, type User } from './db/schema';

export type DemoLogin = { role: User['role']; email: string; password: string };

const demoAccounts = [
	{ role: 'admin', email: 'admin@example.com' },
	{ role: 'user', email: 'user@example.com' }
] as const;

// Not an argon2 hash, so no password matches it; a later demo start gives the account a new password.
const disabledPasswordHash = 'disabled: demo account under a real Stripe key';

const loginsFile = z.array(
	z.object({ role: z.enum(['user', 'admin']), email: z.string(), password: z.string() })
);

/**
 * Creates the demo admin and user on first start (random passwords kept in `file`, readable only by
 * the owner) and returns their logins; later starts reuse them.
 */
export async function ensureDemoAccounts(
	db: Db,
	file: string,
	onCreated?: (user: User) => Promise<void>
): Promise<DemoLogin[]> {
	const saved = existsSync(file)
		? loginsFile.safeParse(JSON.parse(readFileSync(file, 'utf8')))
		: undefined;
	const known = saved?.success ? saved.data : [];
	const logins: DemoLogin[] = [];
	for (const { role, email } of demoAccounts) {
		const login = known.find((entry) => entry.email === email) ?? {
			role,
			email,
			password: generateSecureRandomString()
		};
		const existing = await findUserByEmail(db, email);
		if (!existing) {
			const user = await createUser(db, { email, password: login.password }, role);
			if (user) await onCreated?.(user);
		} else if (!known.some((entry) => entry.email === email)) {
			// The logins file was lost: give the account a new password we can print.
			await db
				.update(users)
				.set({ passwordHash: await hashPassword(login.password), role })
				.where(eq(users.id, existing.id));
		}
		logins.push(login);
	}
	writeFileSync(file, JSON.stringify(logins, null, '\t'), { mode: 0o600 });
	return logins;
}

export type RetiredDemo = { disabled: string[]; deletedFile: boolean };

/**
 * With a real Stripe key the demo's published logins must stop working: signs the demo accounts out
 * and gives them an unusable password (their purchases and ledger stay), and deletes the logins file.
 */
export async function retireDemoAccounts(db: Db, file: string): Promise<RetiredDemo> {
	const disabled: string[] = [];
	for (const { email } of demoAccounts) {
		const user = await findUserByEmail(db, email);
		if (!user || user.passwordHash === disabledPasswordHash) continue;
		// One transaction, so that no session outlives the password.
		await transaction(db, function* (tx) {
			yield* run(
				tx.update(users).set({ passwordHash: disabledPasswordHash }).where(eq(users.id, user.id))
			);
			yield* invalidateUserSessions(tx, user.id);
		});
		disabled.push(email);
	}
	const deletedFile = existsSync(file);
	rmSync(file, { force: true });
	return { disabled, deletedFile };
}
