import { z } from 'zod';

/**
 * The fields of each Stripe object that a webhook handler reads, checked before it runs: a signed
 * event can still be malformed, and a handler only ever sees what was checked here. Nullability
 * follows Stripe's own types, so an object fetched from the API fits too.
 */
const metadata = z.record(z.string(), z.string());
const reference = z.union([z.string(), z.object({ id: z.string() })]).nullable();

export const checkoutSessionFields = z.object({
	id: z.string(),
	metadata: metadata.nullable(),
	status: z.string().nullable(),
	payment_status: z.string(),
	amount_total: z.number().nullable(),
	currency: z.string().nullable(),
	payment_intent: reference
});

export const sessionMetadataFields = z.object({ metadata: metadata.nullable() });

export const paymentIntentFields = z.object({
	id: z.string(),
	metadata,
	status: z.string(),
	amount_received: z.number(),
	currency: z.string()
});

export const failedPaymentFields = z.object({
	metadata,
	last_payment_error: z.object({ message: z.string().optional() }).nullable()
});

export const canceledPaymentFields = z.object({
	metadata,
	cancellation_reason: z.string().nullable()
});

export const chargeFields = z.object({
	id: z.string(),
	metadata,
	payment_intent: reference,
	status: z.string(),
	amount_captured: z.number(),
	amount_refunded: z.number(),
	currency: z.string(),
	receipt_url: z.string().nullable()
});

export const disputeFields = z.object({
	id: z.string(),
	metadata,
	charge: z.union([z.string(), z.object({ id: z.string() })]),
	payment_intent: reference,
	reason: z.string(),
	status: z.string()
});

/** The id of an expandable field, whether Stripe sent the id or the expanded object. */
export function idOf(value: string | { id: string }): string;
export function idOf(value: string | { id: string } | null): string | null;
export function idOf(value: string | { id: string } | null): string | null {
	return typeof value === 'string' ? value : (value?.id ?? null);
}

export type CheckoutSessionFields = z.infer<typeof checkoutSessionFields>;
export type SessionMetadataFields = z.infer<typeof sessionMetadataFields>;
export type PaymentIntentFields = z.infer<typeof paymentIntentFields>;
export type FailedPaymentFields = z.infer<typeof failedPaymentFields>;
export type CanceledPaymentFields = z.infer<typeof canceledPaymentFields>;
export type ChargeFields = z.infer<typeof chargeFields>;
export type DisputeFields = z.infer<typeof disputeFields>;
