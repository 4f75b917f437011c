import { hash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../db';
import { apiResponses } from '../db/schema';
import { first, run, transaction, type Unit } from '../db/unit';
import { apiFailure, errorReply, type Reply } from './errors';

export type Replayable = Reply & { replayed: boolean };

/** Fingerprint of a request: its route, path parameters and parsed body (so key order does not matter). */
export function fingerprintOf(...parts: unknown[]) {
	return hash('sha256', JSON.stringify(parts), 'base64url');
}

type OnceRequest = { key: string; fingerprint: string; apiKeyId: number | null };

/**
 * Runs a write once per idempotency key. The key's first 200 is stored in the same transaction as the
 * ledger write it reports (the write is a unit of it), so a crash leaves both or neither, and a retry
 * gets that body back byte for byte. A failure is not stored: it wrote nothing, so a retry (after the
 * user bought credits, say) runs again. The same key with a different request is an
 * idempotency_conflict.
 */
export function runOnce(
	db: Db,
	request: OnceRequest,
	write: (tx: Db) => Unit<Reply>
): Promise<Replayable> {
	return transaction(db, function* (tx): Unit<Replayable> {
		const stored = yield* storedReply(tx, request);
		if (stored) return stored;
		const reply = yield* write(tx);
		if (reply.status !== 200) return { ...reply, replayed: false };
		const kept = yield* run(
			tx
				.insert(apiResponses)
				.values({
					idempotencyKey: request.key,
					requestHash: request.fingerprint,
					status: reply.status,
					body: reply.body,
					apiKeyId: request.apiKeyId
				})
				.onConflictDoNothing()
		);
		// On PostgreSQL a first request with the same key can commit between the look-up and this insert
		// (SQLite's IMMEDIATE transaction rules that out); its stored answer is then the one to give.
		if (kept === 0) return (yield* storedReply(tx, request))!;
		return { ...reply, replayed: false };
	});
}

function* storedReply(tx: Db, request: OnceRequest): Unit<Replayable | null> {
	const stored = yield* first(
		tx
			.select({
				requestHash: apiResponses.requestHash,
				status: apiResponses.status,
				body: apiResponses.body
			})
			.from(apiResponses)
			.where(eq(apiResponses.idempotencyKey, request.key))
			.limit(1)
	);
	if (!stored) return null;
	if (stored.requestHash === request.fingerprint)
		return { status: stored.status, body: stored.body, replayed: true };
	const { error } = apiFailure(
		'idempotency_conflict',
		`idempotency key "${request.key}" was already used with a different request`,
		'idempotency_key'
	);
	return { ...errorReply(error), replayed: false };
}
