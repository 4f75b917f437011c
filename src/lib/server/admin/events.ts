import { and, desc, eq, type SQL } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Db } from '../db';
import { perform } from '../db/unit';
import { stripeEvents, type EventOutcome } from '../db/schema';
import { handleStripeEvent } from '../stripe/events';
import { processStoredEvent } from '../stripe/webhook';
import { recordAudit, type Actor } from './audit';
import { olderThan, pageOf, parseCursor } from './cursor';

export type EventFilter = {
	type?: string;
	outcome?: EventOutcome;
	/** nextCursor of the previous page */
	before?: string;
	limit?: number;
};

/** Newest first, keyset-paginated on (received at, id); the payloads stay out of the list. */
export async function listEvents(db: Db, filter: EventFilter = {}) {
	const limit = Math.min(Math.max(filter.limit ?? 50, 1), 200);
	const cursor = parseCursor(filter.before);
	const conditions: SQL[] = [];
	if (filter.type) conditions.push(eq(stripeEvents.type, filter.type));
	if (filter.outcome) conditions.push(eq(stripeEvents.outcome, filter.outcome));
	if (cursor) conditions.push(olderThan(stripeEvents.createdAt, stripeEvents.id, cursor));
	const rows = await db
		.select({
			id: stripeEvents.id,
			type: stripeEvents.type,
			outcome: stripeEvents.outcome,
			attempts: stripeEvents.attempts,
			error: stripeEvents.error,
			purchaseId: stripeEvents.purchaseId,
			createdAt: stripeEvents.createdAt,
			processedAt: stripeEvents.processedAt
		})
		.from(stripeEvents)
		.where(and(...conditions))
		.orderBy(desc(stripeEvents.createdAt), desc(stripeEvents.id))
		.limit(limit + 1);
	return pageOf(rows, limit);
}

/** The stored event with its payload indented for reading. */
export async function findEvent(db: Db, id: string) {
	const [event] = await db.select().from(stripeEvents).where(eq(stripeEvents.id, id)).limit(1);
	if (!event) return null;
	return { ...event, payload: JSON.stringify(JSON.parse(event.payload), null, 2) };
}

export type ReplayResult =
	| { ok: true; rerun: boolean; outcome: EventOutcome; message: string }
	| { ok: false; code: 'event_not_found'; message: string };

/**
 * Runs a stored event again through the webhook's own code, so a replay is exactly a redelivery:
 * a failed event runs again, any other changes nothing and says so.
 */
export async function replayEvent(
	db: Db,
	stripe: Stripe,
	admin: Actor,
	id: string
): Promise<ReplayResult> {
	const response = await processStoredEvent(db, id, (event) =>
		handleStripeEvent(db, stripe, event)
	);
	if (!response) return { ok: false, code: 'event_not_found', message: 'No event has that id.' };
	const [{ outcome, error }] = await db
		.select({ outcome: stripeEvents.outcome, error: stripeEvents.error })
		.from(stripeEvents)
		.where(eq(stripeEvents.id, id))
		.limit(1);
	const rerun = response.body.duplicate !== true;
	const message = rerun
		? `Replayed: the event was ${outcome}${error ? ` (${error})` : ''}.`
		: `Nothing changed: the event was already ${outcome}, so it was not run again.`;
	await perform(
		db,
		recordAudit(db, admin, {
			action: 'replay',
			outcome: rerun && outcome === 'failed' ? 'failed' : 'ok',
			target: `event:${id}`,
			detail: message
		})
	);
	return { ok: true, rerun, outcome, message };
}
