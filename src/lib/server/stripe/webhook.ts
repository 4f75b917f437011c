import { eq, sql } from 'drizzle-orm';
import Stripe from 'stripe';
import type { Db } from '../db';
import { stripeEvents, type EventOutcome } from '../db/schema';

export type HandlerOutcome = { outcome: Extract<EventOutcome, 'processed' | 'ignored' | 'rejected'>; note?: string };
export type EventHandler = (event: Stripe.Event) => HandlerOutcome;
export type WebhookResponse = { status: 200 | 400 | 500; body: Record<string, unknown> };

// constructEvent only uses the client's crypto helpers, so no key is needed to verify.
const verifier = new Stripe('sk_test_signature_verification_only');

/**
 * Verifies a webhook delivery and hands each event to `handle` once: a redelivered event that was
 * processed, ignored or rejected answers 200 without running again; one that failed runs again.
 */
export function receiveWebhook(db: Db, payload: string, signature: string | null, secret: string, handle: EventHandler): WebhookResponse {
	let event: Stripe.Event;
	try {
		if (!signature) throw new Error('The Stripe-Signature header is missing');
		event = verifier.webhooks.constructEvent(payload, signature, secret);
	} catch (error) {
		return { status: 400, body: { error: { code: 'invalid_signature', message: (error as Error).message } } };
	}

	const previous = db.select({ outcome: stripeEvents.outcome }).from(stripeEvents).where(eq(stripeEvents.id, event.id)).get();
	if (previous && previous.outcome !== 'failed' && previous.outcome !== 'processing') {
		return { status: 200, body: { received: true, duplicate: true, outcome: previous.outcome } };
	}
	db.insert(stripeEvents)
		.values({ id: event.id, type: event.type, outcome: 'processing', payload })
		.onConflictDoUpdate({ target: stripeEvents.id, set: { outcome: 'processing', attempts: sql`${stripeEvents.attempts} + 1` } })
		.run();

	try {
		const { outcome, note } = handle(event);
		finish(db, event.id, outcome, note ?? null);
		return { status: 200, body: { received: true, outcome } };
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		finish(db, event.id, 'failed', message);
		return { status: 500, body: { error: { code: 'processing_failed', message } } };
	}
}

function finish(db: Db, id: string, outcome: EventOutcome, error: string | null) {
	db.update(stripeEvents).set({ outcome, error, processedAt: new Date() }).where(eq(stripeEvents.id, id)).run();
}
