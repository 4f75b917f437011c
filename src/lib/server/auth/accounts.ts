import { eq } from 'drizzle-orm';
import { getConfig } from '../config';
import type { Db } from '../db';
import { users, type User } from '../db/schema';
import { generateSecureRandomString } from '../random';
import { describeRetryAfter, Throttle } from './rate-limit';
import { hashPassword, verifyPassword } from './password';
import type { Credentials } from './credentials';

const fifteenMinutes = 15 * 60 * 1000;
export const throttles = {
	failedLoginsPerIp: new Throttle({ limit: 20, windowMs: fifteenMinutes }),
	failedLoginsPerIpAndEmail: new Throttle({ limit: 5, windowMs: fifteenMinutes }),
	// Only slows down: refusing an email for failures from anywhere would let anyone lock anyone out.
	failedLoginsPerEmail: new Throttle({ limit: 5, windowMs: fifteenMinutes }),
	signupsPerIp: new Throttle({
		limit: () => getConfig().SIGNUP_LIMIT_PER_IP,
		windowMs: fifteenMinutes
	})
};

/** OWASP's alternative to a lockout: an email under attack answers every attempt, right or wrong, this much later. */
export const signInSlowdown = {
	ms: 3000,
	pause: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
};

export type TooMany = { ok: false; status: 429; message: string; retryAfterMs: number };
export type AuthResult =
	{ ok: true; user: User } | { ok: false; status: 400; message: string } | TooMany;

const wrongCredentials = 'That email and password do not match an account.';
// Verifying against a real hash for unknown emails keeps both failures equally slow.
let decoyHash: Promise<string> | undefined;

export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
	const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
	return user;
}

export async function createUser(
	db: Db,
	{ email, password }: Credentials,
	role: User['role'] = 'user'
): Promise<User | undefined> {
	const passwordHash = await hashPassword(password);
	const [user] = await db
		.insert(users)
		.values({ id: generateSecureRandomString(), email, passwordHash, role })
		.onConflictDoNothing({ target: users.email })
		.returning();
	return user;
}

export async function signUp(db: Db, credentials: Credentials, ip: string): Promise<AuthResult> {
	const wait = throttles.signupsPerIp.retryAfterMs(ip);
	if (wait > 0) return tooMany(wait);
	// Every attempt counts, not only successes: "already exists" tells an enumerating client which emails have accounts.
	throttles.signupsPerIp.record(ip);
	if (await findUserByEmail(db, credentials.email)) return emailTaken();
	const user = await createUser(db, credentials);
	if (!user) return emailTaken();
	return { ok: true, user };
}

export async function signIn(
	db: Db,
	{ email, password }: Credentials,
	ip: string
): Promise<AuthResult> {
	const wait = await startPasswordAttempt(ip, email);
	if (wait > 0) return tooMany(wait);
	const user = await findUserByEmail(db, email);
	decoyHash ??= hashPassword(generateSecureRandomString());
	const valid = await verifyPassword(user?.passwordHash ?? (await decoyHash), password);
	if (!user || !valid) return { ok: false, status: 400, message: wrongCredentials };
	forgivePasswordAttempt(ip, email);
	return { ok: true, user };
}

/**
 * Counts a password guess for this email against sign-in's throttles before it is checked; returns
 * how many milliseconds to wait when the guess is refused, else 0. Every check of a typed password
 * goes through here, so a stolen session gives no extra guesses through the password-change form.
 */
export async function startPasswordAttempt(ip: string, email: string): Promise<number> {
	const ipAndEmail = `${ip} ${email}`;
	const wait = Math.max(
		throttles.failedLoginsPerIp.retryAfterMs(ip),
		throttles.failedLoginsPerIpAndEmail.retryAfterMs(ipAndEmail)
	);
	if (wait > 0) return wait;
	const underAttack = throttles.failedLoginsPerEmail.retryAfterMs(email) > 0;
	// Counted as a failure before anything slow, so that concurrent attempts cannot all pass the check above.
	throttles.failedLoginsPerIp.record(ip);
	throttles.failedLoginsPerIpAndEmail.record(ipAndEmail);
	throttles.failedLoginsPerEmail.record(email);
	if (underAttack) await signInSlowdown.pause(signInSlowdown.ms);
	return 0;
}

/** The guess counted by `startPasswordAttempt` was right. */
export function forgivePasswordAttempt(ip: string, email: string) {
	throttles.failedLoginsPerIp.forgetOne(ip);
	throttles.failedLoginsPerIpAndEmail.reset(`${ip} ${email}`);
	throttles.failedLoginsPerEmail.reset(email);
}

function emailTaken(): AuthResult {
	return {
		ok: false,
		status: 400,
		message: 'An account with this email already exists. Sign in instead.'
	};
}

export function tooMany(ms: number): TooMany {
	return {
		ok: false,
		status: 429,
		message: `Too many attempts. Try again in ${describeRetryAfter(ms)}.`,
		retryAfterMs: ms
	};
}
