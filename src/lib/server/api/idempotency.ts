import { hash } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { perDatabase } from '../db/per-database';
import { apiResponses } from '../db/schema';
import { apiFailure, errorReply, type Reply } from './errors';

export type Replayable = Reply & { replayed: boolean };

const statements = perDatabase((db) => ({
	find: db
		.select({
			requestHash: apiResponses.requestHash,
			status: apiResponses.status,
			body: apiResponses.body
		})
		.from(apiResponses)
		.where(eq(apiResponses.idempotencyKey, sql.placeholder('key')))
		.prepare(),
	store: db
		.insert(apiResponses)
		.values({
			idempotencyKey: sql.placeholder('key'),
			requestHash: sql.placeholder('requestHash'),
			status: sql.placeholder('status'),
			body: sql.placeholder('body'),
			apiKeyId: sql.placeholder('apiKeyId')
		})
		.prepare()
}));

/** Fingerprint of a request: its route, path parameters and parsed body (so key order does not matter). */
export function fingerprintOf(...parts: unknown[]) {
	return hash('sha256', JSON.stringify(parts), 'base64url');
}

/**
 * Runs a write once per idempotency key. The key's first 200 is stored in the same BEGIN IMMEDIATE
 * transaction as the ledger write it reports (the ledger's own transactions nest as savepoints), so a
 * crash leaves both or neither, and a retry gets that body back byte for byte. A failure is not
 * stored: it wrote nothing, so a retry (after the user bought credits, say) runs again. The same key
 * with a different request is an idempotency_conflict.
 */
export function runOnce(
	db: Db,
	request: { key: string; fingerprint: string; apiKeyId: number | null },
	write: () => Reply
): Replayable {
	const { find, store } = statements(db);
	return db.$client
		.transaction((): Replayable => {
			const stored = find.get({ key: request.key });
			if (stored) {
				if (stored.requestHash === request.fingerprint)
					return { status: stored.status, body: stored.body, replayed: true };
				const { error } = apiFailure(
					'idempotency_conflict',
					`idempotency key "${request.key}" was already used with a different request`,
					'idempotency_key'
				);
				return { ...errorReply(error), replayed: false };
			}
			const reply = write();
			if (reply.status === 200) {
				store.run({
					key: request.key,
					requestHash: request.fingerprint,
					status: reply.status,
					body: reply.body,
					apiKeyId: request.apiKeyId
				});
			}
			return { ...reply, replayed: false };
		})
		.immediate();
}
