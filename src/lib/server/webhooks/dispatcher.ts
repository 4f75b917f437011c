import { and, asc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { all, isPostgres, run, transaction } from '../db/unit';
import { webhookAttempts, webhookEndpoints, webhookMessages } from '../db/schema';
import { drainPgOutbox } from './pg-outbox';
import { retryDelayMs } from './retry';
import { sendMessage, type AttemptOutcome } from './send';

export type DispatchOptions = {
	/** Per attempt, reading the start of the answer included. */
	timeoutMs?: number;
	/** Messages claimed and sent in parallel per round. */
	batchSize?: number;
	now?: () => number;
	random?: () => number;
};

type Claimed = {
	messageId: string;
	payload: string;
	attempt: number;
	attemptLimit: number;
	claimedUntil: Date | null;
	url: string;
	secret: string;
};

// A claim outlives the attempt's timeout by this much, so no other dispatcher sends it meanwhile.
const leaseMarginMs = 30_000;

/**
 * One round: claims the messages due now, sends them in parallel and records each attempt. Any number
 * of processes may run rounds on one database: a claim is a conditional write in one transaction, so
 * two never hold the same message; a process that dies mid-attempt leaves its claim to run out,
 * and the message is sent again (at least once). Resolves to the number of attempts made.
 */
export async function dispatchDue(db: Db, options: DispatchOptions = {}): Promise<number> {
	const { timeoutMs = 10_000, batchSize = 16, now = Date.now, random = Math.random } = options;
	if (isPostgres(db)) await drainPgOutbox(db);
	const claimed = await claimDue(db, now(), timeoutMs + leaseMarginMs, batchSize);
	await Promise.all(
		claimed.map(async (message) => {
			const startedAt = now();
			const outcome = await sendMessage(message, { timeoutMs, now });
			await recordAttempt(db, message, outcome, startedAt, now(), random);
		})
	);
	return claimed.length;
}

export type Dispatcher = { stop(): Promise<void> };

/** Runs rounds every `pollMs` until stopped; `stop` waits for the round under way. */
export function startDispatcher(
	db: Db,
	options: DispatchOptions & { pollMs?: number } = {}
): Dispatcher {
	const { pollMs = 1_000, batchSize = 16 } = options;
	let round: Promise<void> | null = null;
	let stopped = false;
	const drain = async () => {
		while (!stopped && (await dispatchDue(db, { ...options, batchSize })) === batchSize);
	};
	const tick = () => {
		round ??= drain()
			.catch((error: unknown) => {
				console.error('Webhook dispatch failed:', error instanceof Error ? error.message : error);
			})
			.finally(() => (round = null));
	};
	const timer = setInterval(tick, pollMs);
	timer.unref();
	return {
		async stop() {
			stopped = true;
			clearInterval(timer);
			await round;
		}
	};
}

async function claimDue(db: Db, at: number, leaseMs: number, limit: number): Promise<Claimed[]> {
	const now = new Date(at);
	const unclaimed = and(
		eq(webhookMessages.status, 'pending'),
		lte(webhookMessages.nextAttemptAt, now),
		or(isNull(webhookMessages.claimedUntil), lte(webhookMessages.claimedUntil, now))
	);
	const findDue = (tx: Db) =>
		tx
			.select({ id: webhookMessages.id })
			.from(webhookMessages)
			.innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookMessages.endpointId))
			.where(and(unclaimed, eq(webhookEndpoints.enabled, true)))
			.orderBy(asc(webhookMessages.nextAttemptAt))
			.limit(limit);
	// Most rounds find nothing: a plain read first keeps them from taking the write lock.
	if ((await findDue(db)).length === 0) return [];
	return transaction(db, function* (tx) {
		const due = (yield* all(findDue(tx))).map((row) => row.id);
		if (due.length === 0) return [];
		// Only what is still unclaimed: on PostgreSQL another process may have claimed some since the read.
		const ids = (yield* all(
			tx
				.update(webhookMessages)
				.set({
					claimedUntil: new Date(at + leaseMs),
					attempts: sql`${webhookMessages.attempts} + 1`
				})
				.where(and(inArray(webhookMessages.id, due), unclaimed))
				.returning({ id: webhookMessages.id })
		)).map((row) => row.id);
		if (ids.length === 0) return [];
		return yield* all(
			tx
				.select({
					messageId: webhookMessages.id,
					payload: webhookMessages.payload,
					attempt: webhookMessages.attempts,
					attemptLimit: webhookMessages.attemptLimit,
					claimedUntil: webhookMessages.claimedUntil,
					url: webhookEndpoints.url,
					secret: webhookEndpoints.secret
				})
				.from(webhookMessages)
				.innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookMessages.endpointId))
				.where(inArray(webhookMessages.id, ids))
		);
	});
}

function recordAttempt(
	db: Db,
	message: Claimed,
	outcome: AttemptOutcome,
	startedAt: number,
	at: number,
	random: () => number
) {
	const failed = !outcome.delivered && message.attempt >= message.attemptLimit;
	const retry = !outcome.delivered && !failed;
	return transaction(db, function* (tx) {
		const moved = yield* run(
			tx
				.update(webhookMessages)
				.set({
					status: outcome.delivered ? 'delivered' : failed ? 'failed' : 'pending',
					nextAttemptAt: retry ? new Date(at + retryDelayMs(message.attempt, random)) : null,
					claimedUntil: null,
					...(outcome.delivered && { deliveredAt: new Date(at) })
				})
				.where(
					and(
						eq(webhookMessages.id, message.messageId),
						eq(webhookMessages.claimedUntil, message.claimedUntil!)
					)
				)
		);
		// Deleted with its endpoint meanwhile: nothing left to log it against.
		if (moved === 0) return;
		yield* run(
			tx.insert(webhookAttempts).values({
				messageId: message.messageId,
				attempt: message.attempt,
				startedAt: new Date(startedAt),
				...outcome
			})
		);
	});
}
