import { eq } from 'drizzle-orm';
import type { WebhookEventType } from '../../types';
import type { Db } from '../db';
import { webhookEndpoints, webhookMessages } from '../db/schema';
import type { PostedTransfer } from '../ledger';
import { generateSecureRandomString } from '../random';
import { eventOf, lowBalanceEvent, payloadOf, type OutboundEvent } from './events';
import { maxAttempts } from './retry';

type Listener = {
	id: string;
	eventTypes: Set<WebhookEventType>;
	lowBalanceThreshold: number | null;
};

// Another process may register an endpoint: its first events can be up to this late to be recorded.
const rereadEveryMs = 1_000;
const forgetters = new WeakMap<Db, () => void>();

/**
 * The ledger's `onPosted` for one database: writes an outbox message per event and listening endpoint,
 * in the transfer's own transaction. With no endpoint enabled it costs a clock read: the endpoints are
 * read at most once a second, and at once after a change made through this module's database.
 */
export function createOutboxWriter(db: Db): (transfer: PostedTransfer) => void {
	let listeners: Listener[] = [];
	let readAt = -Infinity;
	forgetters.set(db, () => (readAt = -Infinity));
	return (transfer) => {
		const now = Date.now();
		if (now - readAt >= rereadEveryMs) {
			listeners = readListeners(db);
			readAt = now;
		}
		if (listeners.length > 0) enqueueEvents(db, listeners, transfer);
	};
}

/** Call after changing endpoints, so this process's next transfer sees the change. */
export function endpointsChanged(db: Db) {
	forgetters.get(db)?.();
}

function readListeners(db: Db): Listener[] {
	return db
		.select({
			id: webhookEndpoints.id,
			eventTypes: webhookEndpoints.eventTypes,
			lowBalanceThreshold: webhookEndpoints.lowBalanceThreshold
		})
		.from(webhookEndpoints)
		.where(eq(webhookEndpoints.enabled, true))
		.all()
		.map((row) => ({ ...row, eventTypes: new Set(row.eventTypes) }));
}

function enqueueEvents(db: Db, listeners: Listener[], transfer: PostedTransfer) {
	const event = eventOf(db, transfer);
	for (const listener of listeners) {
		if (event && listener.eventTypes.has(event.type)) enqueue(db, listener.id, event, transfer);
		const threshold = listener.lowBalanceThreshold;
		if (threshold === null || !listener.eventTypes.has('balance.low')) continue;
		const low = lowBalanceEvent(transfer, threshold);
		if (low) enqueue(db, listener.id, low, transfer);
	}
}

function enqueue(db: Db, endpointId: string, event: OutboundEvent, transfer: PostedTransfer) {
	db.insert(webhookMessages)
		.values({
			id: `msg_${generateSecureRandomString()}`,
			endpointId,
			eventType: event.type,
			payload: payloadOf(event, transfer.createdAt),
			attemptLimit: maxAttempts,
			nextAttemptAt: new Date()
		})
		.run();
}
