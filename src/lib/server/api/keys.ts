import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { perDatabase } from '../db/per-database';
import { apiKeys } from '../db/schema';
import { generateSecureRandomString } from '../random';
import type { ApiKeyView, CreatedApiKeyView } from '../../types';

// `ck_` + 80 bits naming the key (stored in clear, shown in lists) + `_` + 120 bits of secret.
const keyPattern = /^(ck_[a-z2-7]{16})_([a-z2-7]{24})$/;
// A write per request would cost every call a page write; the admin page needs minutes, not ms.
const lastUsedIntervalMs = 60_000;

function hashSecret(secret: string) {
	return Buffer.from(sha256(new TextEncoder().encode(secret)));
}

/** Makes a key; the returned `key` is the only time its secret exists outside the caller's hands. */
export function createApiKey(
	db: Db,
	{ name, createdBy }: { name: string; createdBy: string }
): CreatedApiKeyView {
	const prefix = `ck_${encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(10)))}`;
	const secret = generateSecureRandomString();
	const { id } = db
		.insert(apiKeys)
		.values({ name, prefix, secretHash: hashSecret(secret), createdBy })
		.returning({ id: apiKeys.id })
		.get();
	return { id, name, prefix, key: `${prefix}_${secret}` };
}

export function listApiKeys(db: Db): ApiKeyView[] {
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
		.orderBy(desc(apiKeys.id))
		.all();
}

export type RevokeOutcome =
	| { ok: true; name: string; prefix: string }
	| { ok: false; reason: 'not_found' | 'already_revoked' };

export function revokeApiKey(db: Db, id: number, now = new Date()): RevokeOutcome {
	const revoked = db
		.update(apiKeys)
		.set({ revokedAt: now })
		.where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
		.returning({ name: apiKeys.name, prefix: apiKeys.prefix })
		.get();
	if (revoked) return { ok: true, ...revoked };
	const exists = db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.id, id)).get();
	return { ok: false, reason: exists ? 'already_revoked' : 'not_found' };
}

const lookup = perDatabase((db) =>
	db
		.select({
			id: apiKeys.id,
			secretHash: apiKeys.secretHash,
			lastUsedAt: apiKeys.lastUsedAt,
			revokedAt: apiKeys.revokedAt
		})
		.from(apiKeys)
		.where(eq(apiKeys.prefix, sql.placeholder('prefix')))
		.prepare()
);

/**
 * The id of the live key a bearer token names, or null. Read from the table on every request (one
 * prepared statement): a revoke refuses the key's next request, in every process.
 */
export function authenticateApiKey(db: Db, token: string, now = new Date()): number | null {
	const match = keyPattern.exec(token);
	if (!match) return null;
	const row = lookup(db).get({ prefix: match[1] });
	if (!row || row.revokedAt !== null) return null;
	if (!constantTimeEqual(hashSecret(match[2]), new Uint8Array(row.secretHash))) return null;
	if (row.lastUsedAt === null || now.getTime() - row.lastUsedAt.getTime() >= lastUsedIntervalMs) {
		db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, row.id)).run();
	}
	return row.id;
}
