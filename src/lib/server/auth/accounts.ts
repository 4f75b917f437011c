import { eq } from 'drizzle-orm';
import type { Db } from '../db';
import { users, type User } from '../db/schema';
import { describeRetryAfter, Throttle } from './rate-limit';
import { generateSecureRandomString } from './session';
import { hashPassword, verifyPassword } from './password';
import type { Credentials } from './credentials';

const fifteenMinutes = 15 * 60 * 1000;
export const throttles = {
	failedLoginsPerIp: new Throttle({ limit: 20, windowMs: fifteenMinutes }),
	failedLoginsPerEmail: new Throttle({ limit: 5, windowMs: fifteenMinutes }),
	signupsPerIp: new Throttle({ limit: 50, windowMs: 60 * 60 * 1000 })
};

export type AuthResult = { ok: true; user: User } | { ok: false; status: 400 | 429; message: string };

const wrongCredentials = 'That email and password do not match an account.';
// Verifying against a real hash for unknown emails keeps both failures equally slow.
let decoyHash: Promise<string> | undefined;

export function findUserByEmail(db: Db, email: string): User | undefined {
	return db.select().from(users).where(eq(users.email, email)).get();
}

export async function createUser(db: Db, { email, password }: Credentials, role: User['role'] = 'user'): Promise<User | undefined> {
	const passwordHash = await hashPassword(password);
	return db
		.insert(users)
		.values({ id: generateSecureRandomString(), email, passwordHash, role })
		.onConflictDoNothing({ target: users.email })
		.returning()
		.get();
}

export async function signUp(db: Db, credentials: Credentials, ip: string): Promise<AuthResult> {
	const wait = throttles.signupsPerIp.retryAfterMs(ip);
	if (wait > 0) return tooMany(wait);
	if (findUserByEmail(db, credentials.email)) return emailTaken();
	const user = await createUser(db, credentials);
	if (!user) return emailTaken();
	throttles.signupsPerIp.record(ip);
	return { ok: true, user };
}

export async function signIn(db: Db, { email, password }: Credentials, ip: string): Promise<AuthResult> {
	const wait = Math.max(
		throttles.failedLoginsPerIp.retryAfterMs(ip),
		throttles.failedLoginsPerEmail.retryAfterMs(email)
	);
	if (wait > 0) return tooMany(wait);

	const user = findUserByEmail(db, email);
	decoyHash ??= hashPassword(generateSecureRandomString());
	const valid = await verifyPassword(user?.passwordHash ?? (await decoyHash), password);
	if (!user || !valid) {
		throttles.failedLoginsPerIp.record(ip);
		throttles.failedLoginsPerEmail.record(email);
		return { ok: false, status: 400, message: wrongCredentials };
	}
	throttles.failedLoginsPerEmail.reset(email);
	return { ok: true, user };
}

function emailTaken(): AuthResult {
	return { ok: false, status: 400, message: 'An account with this email already exists. Sign in instead.' };
}

function tooMany(ms: number): AuthResult {
	return { ok: false, status: 429, message: `Too many attempts. Try again in ${describeRetryAfter(ms)}.` };
}
