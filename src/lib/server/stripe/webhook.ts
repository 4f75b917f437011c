import { eq, sql } from 'drizzle-orm';
import Stripe from 'stripe';
import { z } from 'zod';
import type { Db } from '../db';
import { stripeEvents, type EventOutcome } from '../db/schema';
import { log } from '../log';

/** `malformed`: the object lacks a field the handler reads; recorded as `rejected` and answered 400. */
export type HandlerOutcome =
	| { outcome: Extract<EventOutcome, 'processed' | 'ignored' | 'rejected'>; note?: string }
	| { outcome: 'malformed'; note: string };
export type EventHandler = (event: VerifiedEvent) => Promise<HandlerOutcome>;
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
export async function receiveWebhook(
	db: Db,
	payload: string,
	signature: string | null,
	secret: string,
	handle: EventHandler
): Promise<WebhookResponse> {
	if (!signature) return invalidSignature('The Stripe-Signature header is missing');
	let body: unknown;
	try {
		body = verifier.webhooks.constructEvent(payload, signature, secret);
	} catch (error) {
		if (error instanceof SyntaxError) return malformed('The event is not JSON');
		// Stripe's own refusals say what is wrong; what else it throws on a garbled header (`v1=`) does not.
		return invalidSignature(
			error instanceof Stripe.errors.StripeSignatureVerificationError
				? error.message
				: 'The Stripe-Signature header could not be read'
		);
	}

	return processEvent(db, payload, body, handle);
}

/**
 * Runs a stored event again through the path a delivery takes, minus the signature (checked when it
 * arrived): one that failed runs again, any other answers as a duplicate and changes nothing.
 */
export async function processStoredEvent(
	db: Db,
	id: string,
	handle: EventHandler
): Promise<WebhookResponse | null> {
	const [stored] = await db
		.select({ payload: stripeEvents.payload })
		.from(stripeEvents)
		.where(eq(stripeEvents.id, id))
		.limit(1);
	// Only payloads that parsed as JSON were ever stored.
	return stored ? processEvent(db, stored.payload, JSON.parse(stored.payload), handle) : null;
}

async function processEvent(
	db: Db,
	payload: string,
	body: unknown,
	handle: EventHandler
): Promise<WebhookResponse> {
	// Without an id there is nothing to record the event under.
	const identified = eventId.safeParse(body);
	if (!identified.success) return malformed(describeIssue(identified.error));
	const { id } = identified.data;

	const [previous] = await db
		.select({ outcome: stripeEvents.outcome })
		.from(stripeEvents)
		.where(eq(stripeEvents.id, id))
		.limit(1);
	if (previous && previous.outcome !== 'failed' && previous.outcome !== 'processing') {
		return { status: 200, body: { received: true, duplicate: true, outcome: previous.outcome } };
	}
	const event = eventEnvelope.safeParse(body);
	await db
		.insert(stripeEvents)
		.values({
			id,
			type: event.success ? event.data.type : '(invalid)',
			outcome: 'processing',
			payload,
			...linksOf(body)
		})
		.onConflictDoUpdate({
			target: stripeEvents.id,
			set: { outcome: 'processing', attempts: sql`${stripeEvents.attempts} + 1` }
		});
	if (!event.success) return await reject(db, id, describeIssue(event.error));

	const { type } = event.data;
	try {
		const result = await handle(event.data);
		if (result.outcome === 'malformed') return await reject(db, id, result.note);
		await finish(db, id, result.outcome, result.note ?? null);
		log.info({ eventId: id, type, outcome: result.outcome }, 'stripe event');
		return { status: 200, body: { received: true, outcome: result.outcome } };
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		await finish(db, id, 'failed', message);
		log.error({ eventId: id, type, outcome: 'failed', err: error }, 'stripe event');
		return { status: 500, body: { error: { code: 'processing_failed', message } } };
	}
}

// Lenient on purpose: these only link an event to its purchase for people; handlers check what they read.
const linkedObject = z.object({
	data: z.object({
		object: z.object({
			object: z.unknown().optional(),
			id: z.unknown().optional(),
			metadata: z.record(z.string(), z.unknown()).nullish(),
			payment_intent: z.unknown().optional()
		})
	})
});

/** The purchase id in the object's metadata and the payment intent it belongs to (or is). */
function linksOf(body: unknown): { purchaseId: string | null; paymentIntentId: string | null } {
	const parsed = linkedObject.safeParse(body);
	if (!parsed.success) return { purchaseId: null, paymentIntentId: null };
	const object = parsed.data.data.object;
	const intent = object.object === 'payment_intent' ? object.id : object.payment_intent;
	const intentId =
		typeof intent === 'object' && intent !== null && 'id' in intent ? intent.id : intent;
	return {
		purchaseId: textOrNull(object.metadata?.purchase_id),
		paymentIntentId: textOrNull(intentId)
	};
}

function textOrNull(value: unknown): string | null {
	return typeof value === 'string' && value !== '' ? value : null;
}

/** The first problem zod found, named by its path in the event, e.g. `data.object.metadata: …`. */
export function describeIssue(error: z.ZodError, root?: string): string {
	const [issue] = error.issues;
	const path = [root, ...issue.path.map(String)].filter(Boolean).join('.');
	return path
		? `${path}: ${issue.message}`
		: `The event is not an object with an id and a type: ${issue.message}`;
}

function invalidSignature(message: string): WebhookResponse {
	return { status: 400, body: { error: { code: 'invalid_signature', message } } };
}

function malformed(message: string): WebhookResponse {
	return { status: 400, body: { error: { code: 'malformed_event', message } } };
}

async function reject(db: Db, id: string, reason: string): Promise<WebhookResponse> {
	await finish(db, id, 'rejected', reason);
	log.warn({ eventId: id, outcome: 'rejected', reason }, 'stripe event');
	return malformed(reason);
}

async function finish(db: Db, id: string, outcome: EventOutcome, error: string | null) {
	await db
		.update(stripeEvents)
		.set({ outcome, error, processedAt: new Date() })
		.where(eq(stripeEvents.id, id));
}
