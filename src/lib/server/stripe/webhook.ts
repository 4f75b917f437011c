import { eq, sql } from 'drizzle-orm';
import Stripe from 'stripe';
import { z } from 'zod';
import type { Db } from '../db';
import { stripeEvents, type EventOutcome } from '../db/schema';

/** `malformed`: the object lacks a field the handler reads; recorded as `rejected` and answered 400. */
export type HandlerOutcome =
	| { outcome: Extract<EventOutcome, 'processed' | 'ignored' | 'rejected'>; note?: string }
	| { outcome: 'malformed'; note: string };
export type EventHandler = (event: VerifiedEvent) => HandlerOutcome;
export type WebhookResponse = { status: 200 | 400 | 500; body: Record<string, unknown> };

const eventId = z.object({ id: z.string().min(1) });
// Only the envelope: each handler checks the fields of `data.object` it reads (see events.ts).
const eventEnvelope = eventId.extend({
	type: z.string().min(1),
	data: z.object({ object: z.unknown() }).optional()
});
export type VerifiedEvent = z.infer<typeof eventEnvelope>;

// constructEvent only uses the client's crypto helpers, so no key is needed to verify.
const verifier = new Stripe('sk_test_signature_verification_only');

/**
 * Verifies a webhook delivery and hands each event to `handle` once: a redelivered event that was
 * processed, ignored or rejected answers 200 without running again; one that failed runs again.
 */
export function receiveWebhook(
	db: Db,
	payload: string,
	signature: string | null,
	secret: string,
	handle: EventHandler
): WebhookResponse {
	let body: unknown;
	try {
		if (!signature) throw new Error('The Stripe-Signature header is missing');
		body = verifier.webhooks.constructEvent(payload, signature, secret);
	} catch (error) {
		if (error instanceof SyntaxError) return malformed('The event is not JSON');
		return {
			status: 400,
			body: { error: { code: 'invalid_signature', message: (error as Error).message } }
		};
	}

	// Without an id there is nothing to record the event under.
	const identified = eventId.safeParse(body);
	if (!identified.success) return malformed(describeIssue(identified.error));
	const { id } = identified.data;

	const previous = db
		.select({ outcome: stripeEvents.outcome })
		.from(stripeEvents)
		.where(eq(stripeEvents.id, id))
		.get();
	if (previous && previous.outcome !== 'failed' && previous.outcome !== 'processing') {
		return { status: 200, body: { received: true, duplicate: true, outcome: previous.outcome } };
	}
	const event = eventEnvelope.safeParse(body);
	db.insert(stripeEvents)
		.values({
			id,
			type: event.success ? event.data.type : '(invalid)',
			outcome: 'processing',
			payload
		})
		.onConflictDoUpdate({
			target: stripeEvents.id,
			set: { outcome: 'processing', attempts: sql`${stripeEvents.attempts} + 1` }
		})
		.run();
	if (!event.success) return reject(db, id, describeIssue(event.error));

	try {
		const result = handle(event.data);
		if (result.outcome === 'malformed') return reject(db, id, result.note);
		finish(db, id, result.outcome, result.note ?? null);
		return { status: 200, body: { received: true, outcome: result.outcome } };
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		finish(db, id, 'failed', message);
		return { status: 500, body: { error: { code: 'processing_failed', message } } };
	}
}

/** The first problem zod found, named by its path in the event, e.g. `data.object.metadata: …`. */
export function describeIssue(error: z.ZodError, root?: string): string {
	const [issue] = error.issues;
	const path = [root, ...issue.path.map(String)].filter(Boolean).join('.');
	return path
		? `${path}: ${issue.message}`
		: `The event is not an object with an id and a type: ${issue.message}`;
}

function malformed(message: string): WebhookResponse {
	return { status: 400, body: { error: { code: 'malformed_event', message } } };
}

function reject(db: Db, id: string, reason: string): WebhookResponse {
	finish(db, id, 'rejected', reason);
	return malformed(reason);
}

function finish(db: Db, id: string, outcome: EventOutcome, error: string | null) {
	db.update(stripeEvents)
		.set({ outcome, error, processedAt: new Date() })
		.where(eq(stripeEvents.id, id))
		.run();
}
