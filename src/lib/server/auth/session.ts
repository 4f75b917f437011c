import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { and, desc, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { perDatabase } from '../db/per-database';
import { run, type Unit } from '../db/unit';
import { sessions, users, type User } from '../db/schema';
import { generateSecureRandomString } from '../random';
import { dayMs } from '../../time';
import type { SessionView } from '../../types';

export const sessionCookieName = 'credits_session';
const inactivityTimeoutMs = 30 * dayMs;
// Refreshing on every request would cost a write per page view.
const activityCheckIntervalMs = 60 * 60 * 1000;

export type SessionUser = Pick<User, 'id' | 'email' | 'role'>;
export type SessionValidationResult =
	| { session: { id: string; userId: string; expiresAt: Date }; user: SessionUser; fresh: boolean }
	| { session: null; user: null; fresh: false };

// Every signed-in request validates its token: building this SQL each time cost ten times the
// lookup itself (docs/performance.md, "HTTP"). `execute` answers a promise of the rows on both drivers.
const sessionLookup = perDatabase((db) =>
	db
		.select({ session: sessions, user: { id: users.id, email: users.email, role: users.role } })
		.from(sessions)
		.innerJoin(users, eq(users.id, sessions.userId))
		.where(eq(sessions.id, sql.placeholder('id')))
		.limit(1)
		.prepare()
);

function hashSecret(secret: string): Uint8Array {
	return sha256(new TextEncoder().encode(secret));
}

export type NewSession = { token: string; expiresAt: Date };

/** Creates a session; the token (`id.secret`) goes into the cookie, only a hash of the secret is stored. */
export function* createSession(tx: Db, userId: string, now = new Date()): Unit<NewSession> {
	const id = generateSecureRandomString();
	const secret = generateSecureRandomString();
	const expiresAt = new Date(now.getTime() + inactivityTimeoutMs);
	yield* run(
		tx.insert(sessions).values({
			id,
			userId,
			secretHash: Buffer.from(hashSecret(secret)),
			expiresAt,
			lastVerifiedAt: now,
			createdAt: now
		})
	);
	return { token: `${id}.${secret}`, expiresAt };
}

export async function validateSessionToken(
	db: Db,
	token: string,
	now = new Date()
): Promise<SessionValidationResult> {
	const invalid = { session: null, user: null, fresh: false } as const;
	const [id, secret, ...rest] = token.split('.');
	if (!id || !secret || rest.length > 0) return invalid;

	const [row] = await sessionLookup(db).execute({ id });
	if (!row) return invalid;
	if (!constantTimeEqual(hashSecret(secret), new Uint8Array(row.session.secretHash)))
		return invalid;
	if (now.getTime() >= row.session.expiresAt.getTime()) {
		await invalidateSession(db, id);
		return invalid;
	}

	let expiresAt = row.session.expiresAt;
	const fresh = now.getTime() - row.session.lastVerifiedAt.getTime() >= activityCheckIntervalMs;
	if (fresh) {
		expiresAt = new Date(now.getTime() + inactivityTimeoutMs);
		await db.update(sessions).set({ lastVerifiedAt: now, expiresAt }).where(eq(sessions.id, id));
	}
	return { session: { id, userId: row.user.id, expiresAt }, user: row.user, fresh };
}

export async function invalidateSession(db: Db, sessionId: string) {
	await db.delete(sessions).where(eq(sessions.id, sessionId));
}

/** Signs the user out everywhere; returns how many sessions ended. */
export function* invalidateUserSessions(tx: Db, userId: string): Unit<number> {
	return yield* run(tx.delete(sessions).where(eq(sessions.userId, userId)));
}

/**
 * The user's sessions that have not expired, newest first, without anything a cookie is made of;
 * `current` marks the one of `currentSessionId`, the device asking.
 */
export async function listActiveSessions(
	db: Db,
	userId: string,
	{ currentSessionId, now = new Date() }: { currentSessionId?: string; now?: Date } = {}
): Promise<SessionView[]> {
	const rows = await db
		.select({
			id: sessions.id,
			createdAt: sessions.createdAt,
			lastVerifiedAt: sessions.lastVerifiedAt,
			expiresAt: sessions.expiresAt
		})
		.from(sessions)
		.where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, now)))
		.orderBy(desc(sessions.createdAt));
	return rows.map(({ id, ...times }) => ({ ...times, current: id === currentSessionId }));
}
