import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db';
import { apiKeys } from '../db/schema';
import { first, type Unit } from '../db/unit';
import { generateSecureRandomString } from '../random';
import type { ApiKeyView, CreatedApiKeyView } from '../../types';

// `ck_` + 80 bits naming the key (stored in clear, shown in lists) + `_` + 120 bits of secret.
const keyPattern = /^(ck_[a-z2-7]{16})_([a-z2-7]{24})$/;
// A write per request would cost every call a page write; the admin page needs minutes, not ms.
const lastUsedIntervalMs = 60_000;

function hashSecret(secret: string) {
	return Buffer.from(sha256(new TextEncoder().encode(secret)));
}

/**
 * Makes a key; the returned `key` is the only time its secret exists outside the caller's hands. A unit,
 * so that the audit entry naming it commits with it.
 */
export function* createApiKey(
	tx: Db,
	{ name, createdBy }: { name: string; createdBy: string }
): Unit<CreatedApiKeyView> {
	const prefix = `ck_${encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(10)))}`;
	const secret = generateSecureRandomString();
	const { id } = (yield* first(
		tx
			.insert(apiKeys)
			.values({ name, prefix, secretHash: hashSecret(secret), createdBy })
			.returning({ id: apiKeys.id })
	))!;
	return { id, name, prefix, key: `${prefix}_${secret}` };
}

export function listApiKeys(db: Db): Promise<ApiKeyView[]> {
	return db
		.select({
			id: apiKeys.id,
			name: apiKeys.name,
			prefix: apiKeys.prefix,
			createdAt: apiKeys.createdAt,
			lastUsedAt: apiKeys.lastUsedAt,
			revokedAt: apiKeys.revokedAt
		})
		.from(apiKeys)
		.orderBy(desc(apiKeys.id));
}

export type RevokeOutcome =
	| { ok: true; name: string; prefix: string }
	| { ok: false; reason: 'not_found' | 'already_revoked' };

/** A unit, so that the audit entry of the revoke (or of its refusal) commits with it. */
export function* revokeApiKey(tx: Db, id: number, now = new Date()): Unit<RevokeOutcome> {
	const revoked = yield* first(
		tx
			.update(apiKeys)
			.set({ revokedAt: now })
			.where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
			.returning({ name: apiKeys.name, prefix: apiKeys.prefix })
	);
	if (revoked) return { ok: true, ...revoked };
	const exists = yield* first(
		tx.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.id, id)).limit(1)
	);
	return { ok: false, reason: exists ? 'already_revoked' : 'not_found' };
}

/**
 * The id of the live key a bearer token names, or null. Read from the table on every request (one
 * indexed lookup): a revoke refuses the key's next request, in every process.
 */
export async function authenticateApiKey(
	db: Db,
	token: string,
	now = new Date()
): Promise<number | null> {
	const match = keyPattern.exec(token);
	if (!match) return null;
	const [row] = await db
		.select({
			id: apiKeys.id,
			secretHash: apiKeys.secretHash,
			lastUsedAt: apiKeys.lastUsedAt,
			revokedAt: apiKeys.revokedAt
		})
		.from(apiKeys)
		.where(eq(apiKeys.prefix, match[1]))
		.limit(1);
	if (!row || row.revokedAt !== null) return null;
	if (!constantTimeEqual(hashSecret(match[2]), new Uint8Array(row.secretHash))) return null;
	if (row.lastUsedAt === null || now.getTime() - row.lastUsedAt.getTime() >= lastUsedIntervalMs) {
		await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, row.id));
	}
	return row.id;
}
