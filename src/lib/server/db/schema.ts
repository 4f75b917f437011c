import { sql } from 'drizzle-orm';
import { blob, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import {
	purchaseStatuses,
	webhookEventTypes,
	webhookMessageStatuses,
	type WebhookEventType
} from '../../types';
import { transfers } from '../ledger/schema';

export * from '../ledger/schema';

const createdAt = () =>
	integer('created_at', { mode: 'timestamp_ms' })
		.notNull()
		.default(sql`(unixepoch('subsec') * 1000)`);

export const users = sqliteTable('users', {
	id: text('id').primaryKey(),
	email: text('email').notNull().unique(),
	passwordHash: text('password_hash').notNull(),
	role: text('role', { enum: ['user', 'admin'] })
		.notNull()
		.default('user'),
	stripeCustomerId: text('stripe_customer_id').unique(),
	createdAt: createdAt()
});

export const sessions = sqliteTable(
	'sessions',
	{
		id: text('id').primaryKey(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		secretHash: blob('secret_hash', { mode: 'buffer' }).notNull(),
		expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
		lastVerifiedAt: integer('last_verified_at', { mode: 'timestamp_ms' }).notNull(),
		createdAt: createdAt()
	},
	(t) => [index('sessions_user_id_idx').on(t.userId)]
);

/** The catalogue as last synced to Stripe: what a purchase copies its price from. */
export const stripePrices = sqliteTable('stripe_prices', {
	packageId: text('package_id').primaryKey(),
	/** `stripeAccountOf` the Stripe the price was synced against. */
	stripeAccount: text('stripe_account').notNull(),
	productId: text('product_id').notNull(),
	priceId: text('price_id').notNull(),
	unitAmount: integer('unit_amount').notNull(),
	currency: text('currency').notNull(),
	credits: integer('credits').notNull(),
	syncedAt: integer('synced_at', { mode: 'timestamp_ms' }).notNull()
});

/** `open` took the credits back; `won` gave them back; `lost` left them taken. */
export const disputeStatuses = ['open', 'won', 'lost'] as const;
export type DisputeStatus = (typeof disputeStatuses)[number];

export const purchases = sqliteTable(
	'purchases',
	{
		id: text('id').primaryKey(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id),
		packageId: text('package_id').notNull(),
		credits: integer('credits').notNull(),
		amountMinor: integer('amount_minor').notNull(),
		currency: text('currency').notNull(),
		status: text('status', { enum: purchaseStatuses }).notNull().default('pending'),
		checkoutSessionId: text('checkout_session_id').unique(),
		paymentIntentId: text('payment_intent_id'),
		chargeId: text('charge_id'),
		/** What a payment that did not match `amountMinor` paid, for the admin who reviews it. */
		amountPaidMinor: integer('amount_paid_minor'),
		currencyPaid: text('currency_paid'),
		amountRefundedMinor: integer('amount_refunded_minor').notNull().default(0),
		failureReason: text('failure_reason'),
		/** Stripe's receipt page for the charge, once a charge event or the session gave it. */
		receiptUrl: text('receipt_url'),
		/** How far the charge's dispute has been applied: it only moves forward, whatever order its events arrive in. */
		disputeStatus: text('dispute_status', { enum: disputeStatuses }),
		createdAt: createdAt(),
		updatedAt: integer('updated_at', { mode: 'timestamp_ms' }),
		paidAt: integer('paid_at', { mode: 'timestamp_ms' })
	},
	(t) => [
		index('purchases_user_id_idx').on(t.userId, t.createdAt),
		index('purchases_payment_intent_idx').on(t.paymentIntentId),
		index('purchases_charge_idx').on(t.chargeId),
		index('purchases_created_idx').on(t.createdAt, t.id)
	]
);

/** `rejected`: understood but refused (e.g. an amount that does not match the purchase); never retried. */
export const eventOutcomes = ['processing', 'processed', 'ignored', 'rejected', 'failed'] as const;

export const stripeEvents = sqliteTable(
	'stripe_events',
	{
		id: text('id').primaryKey(),
		type: text('type').notNull(),
		outcome: text('outcome', { enum: eventOutcomes }).notNull(),
		error: text('error'),
		attempts: integer('attempts').notNull().default(1),
		payload: text('payload').notNull(),
		/** What links the event to a purchase, copied from `data.object` so a purchase finds its events. */
		purchaseId: text('purchase_id'),
		paymentIntentId: text('payment_intent_id'),
		createdAt: createdAt(),
		processedAt: integer('processed_at', { mode: 'timestamp_ms' })
	},
	(t) => [
		index('stripe_events_created_idx').on(t.createdAt),
		index('stripe_events_purchase_idx').on(t.purchaseId),
		index('stripe_events_payment_intent_idx').on(t.paymentIntentId)
	]
);

export const auditActions = [
	'grant',
	'deduct',
	'bulk_grant',
	'refund',
	'replay',
	'sync',
	'promote',
	'demote',
	'sign_out_everywhere',
	'resolve_mismatch',
	'api_key_create',
	'api_key_revoke',
	'webhook_endpoint_create',
	'webhook_endpoint_delete',
	'reconcile',
	'webhook_endpoint_disable',
	'webhook_endpoint_enable',
	'webhook_endpoint_rotate',
	'webhook_message_resend'
] as const;
export const auditOutcomes = ['ok', 'refused', 'failed'] as const;

/** Append-only: triggers in the migration reject UPDATE and DELETE, as for transfers. */
export const auditLog = sqliteTable(
	'audit_log',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		actorId: text('actor_id').notNull(),
		actorEmail: text('actor_email').notNull(),
		action: text('action', { enum: auditActions }).notNull(),
		/** what was acted on: `user:<id>`, `purchase:<id>`, `event:<id>`, `package:<id>`, … */
		target: text('target'),
		amount: integer('amount'),
		reason: text('reason'),
		idempotencyKey: text('idempotency_key'),
		outcome: text('outcome', { enum: auditOutcomes }).notNull(),
		/** a short account of what happened, for people */
		detail: text('detail'),
		createdAt: createdAt()
	},
	(t) => [
		index('audit_log_created_idx').on(t.createdAt),
		index('audit_log_target_idx').on(t.target, t.id),
		index('audit_log_actor_idx').on(t.actorId, t.id)
	]
);

/** Where Credits sends its outbound webhooks (docs/webhooks.md). */
export const webhookEndpoints = sqliteTable('webhook_endpoints', {
	id: text('id').primaryKey(),
	url: text('url').notNull(),
	description: text('description').notNull().default(''),
	eventTypes: text('event_types', { mode: 'json' }).$type<WebhookEventType[]>().notNull(),
	/** `balance.low` fires when a debit takes a user's available credits from at least this to below it. */
	lowBalanceThreshold: integer('low_balance_threshold'),
	/** `whsec_<base64>`: kept in clear because every delivery is signed with it. */
	secret: text('secret').notNull(),
	enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
	createdAt: createdAt(),
	updatedAt: integer('updated_at', { mode: 'timestamp_ms' })
});

/**
 * The outbox: one row per event and endpoint, written in the transaction of the change it reports, so
 * a rolled-back change sends nothing and a committed one is sent at least once.
 */
export const webhookMessages = sqliteTable(
	'webhook_messages',
	{
		/** `msg_…`: the `webhook-id` header, the same on every attempt so receivers can deduplicate. */
		id: text('id').primaryKey(),
		endpointId: text('endpoint_id')
			.notNull()
			.references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
		eventType: text('event_type', { enum: webhookEventTypes }).notNull(),
		/** The exact body sent and signed. */
		payload: text('payload').notNull(),
		status: text('status', { enum: webhookMessageStatuses }).notNull().default('pending'),
		attempts: integer('attempts').notNull().default(0),
		/** The message fails once this many attempts failed; a resend raises it by one. */
		attemptLimit: integer('attempt_limit').notNull(),
		nextAttemptAt: integer('next_attempt_at', { mode: 'timestamp_ms' }),
		/** Set by the dispatcher that claimed the message; another may claim it only after this. */
		claimedUntil: integer('claimed_until', { mode: 'timestamp_ms' }),
		createdAt: createdAt(),
		deliveredAt: integer('delivered_at', { mode: 'timestamp_ms' })
	},
	(t) => [
		index('webhook_messages_due_idx').on(t.status, t.nextAttemptAt),
		index('webhook_messages_endpoint_idx').on(t.endpointId, t.createdAt)
	]
);

export const webhookAttempts = sqliteTable(
	'webhook_attempts',
	{
		id: integer('id').primaryKey(),
		messageId: text('message_id')
			.notNull()
			.references(() => webhookMessages.id, { onDelete: 'cascade' }),
		attempt: integer('attempt').notNull(),
		startedAt: integer('started_at', { mode: 'timestamp_ms' }).notNull(),
		durationMs: integer('duration_ms').notNull(),
		responseStatus: integer('response_status'),
		responseSnippet: text('response_snippet').notNull(),
		delivered: integer('delivered', { mode: 'boolean' }).notNull()
	},
	(t) => [index('webhook_attempts_message_idx').on(t.messageId, t.attempt)]
);

/** Keys the host app sends as `Authorization: Bearer ck_<prefix>_<secret>`; only the secret's SHA-256 is kept. */
export const apiKeys = sqliteTable('api_keys', {
	id: integer('id').primaryKey({ autoIncrement: true }),
	name: text('name').notNull(),
	/** `ck_` and the public part of the key: shown in lists, and what a request's key is looked up by. */
	prefix: text('prefix').notNull().unique(),
	secretHash: blob('secret_hash', { mode: 'buffer' }).notNull(),
	createdAt: createdAt(),
	/** `user:<id>` of the admin, or `cli` for `npm run api-key:create`. */
	createdBy: text('created_by').notNull(),
	lastUsedAt: integer('last_used_at', { mode: 'timestamp_ms' }),
	revokedAt: integer('revoked_at', { mode: 'timestamp_ms' })
});

/**
 * The first 200 response to each idempotency key of the HTTP API, written in the same transaction as
 * the ledger change it reports, so a replay answers it byte for byte. Keys are global, not per API key.
 */
export const apiResponses = sqliteTable('api_responses', {
	idempotencyKey: text('idempotency_key').primaryKey(),
	/** SHA-256 of the route, its path parameters and the parsed body: tells a retry from a reuse. */
	requestHash: text('request_hash').notNull(),
	status: integer('status').notNull(),
	body: text('body').notNull(),
	/** The key that made the first request; null for the session or an in-process caller. */
	apiKeyId: integer('api_key_id').references(() => apiKeys.id),
	createdAt: createdAt()
});

/** The `metadata` a host app attached to a spend: string values by key, stored as JSON. */
export const transferMetadata = sqliteTable('transfer_metadata', {
	transferId: integer('transfer_id')
		.primaryKey()
		.references(() => transfers.id),
	metadata: text('metadata', { mode: 'json' }).$type<Record<string, string>>().notNull()
});

export type User = typeof users.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type Purchase = typeof purchases.$inferSelect;
export type { PurchaseStatus } from '../../types';
export type StripePrice = typeof stripePrices.$inferSelect;
export type StripeEvent = typeof stripeEvents.$inferSelect;
export type EventOutcome = (typeof eventOutcomes)[number];
export type AuditEntry = typeof auditLog.$inferSelect;
export type AuditAction = (typeof auditActions)[number];
export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type WebhookMessage = typeof webhookMessages.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;
