import { eq } from 'drizzle-orm';
import type { WebhookEventType } from '../../types';
import type { Db } from '../db';
import { purchases, webhookEndpoints, webhookMessages, type Purchase } from '../db/schema';
import type { PostedTransfer } from '../ledger';
import { generateSecureRandomString } from '../random';
import { eventOf, lowBalanceEvent, namesPurchase, payloadOf, type OutboundEvent } from './events';
import { maxAttempts } from './retry';

export type Listener = {
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
	// SQLite's ledger calls this synchronously inside its own transaction, so it reads synchronously.
	return (transfer) => {
		const now = Date.now();
		if (now - readAt >= rereadEveryMs) {
			listeners = listenersQuery(db).all().map(toListener);
			readAt = now;
		}
		if (listeners.length === 0) return;
		const purchase = namesPurchase(transfer)
			? db.select().from(purchases).where(eq(purchases.id, transfer.reference!)).get()
			: undefined;
		const messages = messagesOf(listeners, transfer, purchase);
		if (messages.length > 0) db.insert(webhookMessages).values(messages).run();
	};
}

/** Call after changing endpoints, so this process's next transfer sees the change. */
export function endpointsChanged(db: Db) {
	forgetters.get(db)?.();
}

/** The enabled endpoints, as `toListener` reads them. */
export function listenersQuery(db: Db) {
	return db
		.select({
			id: webhookEndpoints.id,
			eventTypes: webhookEndpoints.eventTypes,
			lowBalanceThreshold: webhookEndpoints.lowBalanceThreshold
		})
		.from(webhookEndpoints)
		.where(eq(webhookEndpoints.enabled, true));
}

export function toListener(row: Omit<Listener, 'eventTypes'> & { eventTypes: WebhookEventType[] }) {
	return { ...row, eventTypes: new Set(row.eventTypes) };
}

export type OutboxMessage = typeof webhookMessages.$inferInsert;

/** One message per event of the transfer and endpoint that takes it (both backends' outbox). */
export function messagesOf(
	listeners: Listener[],
	transfer: PostedTransfer,
	purchase: Purchase | undefined
): OutboxMessage[] {
	const event = eventOf(transfer, purchase);
	const messages: OutboxMessage[] = [];
	for (const listener of listeners) {
		if (event && listener.eventTypes.has(event.type))
			messages.push(messageOf(listener, event, transfer));
		const threshold = listener.lowBalanceThreshold;
		if (threshold === null || !listener.eventTypes.has('balance.low')) continue;
		const low = lowBalanceEvent(transfer, threshold);
		if (low) messages.push(messageOf(listener, low, transfer));
	}
	return messages;
}

function messageOf(
	listener: Listener,
	event: OutboundEvent,
	transfer: PostedTransfer
): OutboxMessage {
	return {
		id: `msg_${generateSecureRandomString()}`,
		endpointId: listener.id,
		eventType: event.type,
		payload: payloadOf(event, transfer.createdAt),
		attemptLimit: maxAttempts,
		nextAttemptAt: new Date()
	};
}
