import { sql } from 'drizzle-orm';
import { bigint, customType, index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { purchaseStatuses, webhookEventTypes, webhookMessageStatuses } from '../../../types';
import { transfers } from '../../ledger/pg/schema';
import { auditActions, auditOutcomes, disputeStatuses, eventOutcomes } from '../schema';

// The PostgreSQL twin of ../schema.ts (the app's own tables; the ledger's are ../../ledger/pg/schema.ts).
// It stores exactly what SQLite stores: times as int8 ms since the epoch, flags as 0/1 integers, JSON as
// text, bytes as bytea. That way one set of table objects, SQLite's, serves both dialects: node-postgres
// drizzle builds PostgreSQL SQL from them and their SQLite encoders (Date ↔ ms, boolean ↔ 0/1, JSON ↔
// text) convert the values, which only works on columns holding those very values. This file gives the
// migrations (drizzle-pg/) and ledger/pg/schema.spec.ts the PostgreSQL side of each column.

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });
const int8 = (name: string) => bigint(name, { mode: 'number' });
/** An instant: SQLite's `timestamp_ms`, ms since the epoch. */
const moment = int8;
/** A flag: 0 or 1, as SQLite's integer booleans are (SQLite has no CHECK on them, so neither does this). */
const flag = (name: string) => integer(name);
// SQLite's unixepoch('subsec') * 1000: the statement's time (SQLite fixes 'now' per statement) in whole ms.
const createdAt = () =>
	moment('created_at')
		.notNull()
		.default(sql`(floor(extract(epoch from statement_timestamp()) * 1000))::bigint`);

export const users = pgTable('users', {
	id: text('id').primaryKey(),
	email: text('email').notNull().unique(),
	passwordHash: text('password_hash').notNull(),
	role: text('role', { enum: ['user', 'admin'] })
		.notNull()
		.default('user'),
	stripeCustomerId: text('stripe_customer_id').unique(),
	createdAt: createdAt()
});

export const sessions = pgTable(
	'sessions',
	{
		id: text('id').primaryKey(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		secretHash: bytea('secret_hash').notNull(),
		expiresAt: moment('expires_at').notNull(),
		lastVerifiedAt: moment('last_verified_at').notNull(),
		createdAt: createdAt()
	},
	(t) => [index('sessions_user_id_idx').on(t.userId)]
);

export const stripePrices = pgTable('stripe_prices', {
	packageId: text('package_id').primaryKey(),
	stripeAccount: text('stripe_account').notNull(),
	productId: text('product_id').notNull(),
	priceId: text('price_id').notNull(),
	unitAmount: int8('unit_amount').notNull(),
	currency: text('currency').notNull(),
	credits: int8('credits').notNull(),
	syncedAt: moment('synced_at').notNull()
});

export const purchases = pgTable(
	'purchases',
	{
		id: text('id').primaryKey(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id),
		packageId: text('package_id').notNull(),
		credits: int8('credits').notNull(),
		amountMinor: int8('amount_minor').notNull(),
		currency: text('currency').notNull(),
		status: text('status', { enum: purchaseStatuses }).notNull().default('pending'),
		checkoutSessionId: text('checkout_session_id').unique(),
		paymentIntentId: text('payment_intent_id'),
		chargeId: text('charge_id'),
		amountPaidMinor: int8('amount_paid_minor'),
		currencyPaid: text('currency_paid'),
		amountRefundedMinor: int8('amount_refunded_minor').notNull().default(0),
		failureReason: text('failure_reason'),
		receiptUrl: text('receipt_url'),
		disputeStatus: text('dispute_status', { enum: disputeStatuses }),
		createdAt: createdAt(),
		updatedAt: moment('updated_at'),
		paidAt: moment('paid_at')
	},
	(t) => [
		index('purchases_user_id_idx').on(t.userId, t.createdAt),
		index('purchases_payment_intent_idx').on(t.paymentIntentId),
		index('purchases_charge_idx').on(t.chargeId),
		index('purchases_created_idx').on(t.createdAt, t.id)
	]
);

export const stripeEvents = pgTable(
	'stripe_events',
	{
		id: text('id').primaryKey(),
		type: text('type').notNull(),
		outcome: text('outcome', { enum: eventOutcomes }).notNull(),
		error: text('error'),
		attempts: integer('attempts').notNull().default(1),
		payload: text('payload').notNull(),
		purchaseId: text('purchase_id'),
		paymentIntentId: text('payment_intent_id'),
		createdAt: createdAt(),
		processedAt: moment('processed_at')
	},
	(t) => [
		index('stripe_events_created_idx').on(t.createdAt),
		index('stripe_events_purchase_idx').on(t.purchaseId),
		index('stripe_events_payment_intent_idx').on(t.paymentIntentId)
	]
);

export const auditLog = pgTable(
	'audit_log',
	{
		id: int8('id').primaryKey().generatedByDefaultAsIdentity(),
		actorId: text('actor_id').notNull(),
		actorEmail: text('actor_email').notNull(),
		action: text('action', { enum: auditActions }).notNull(),
		target: text('target'),
		amount: int8('amount'),
		reason: text('reason'),
		idempotencyKey: text('idempotency_key'),
		outcome: text('outcome', { enum: auditOutcomes }).notNull(),
		detail: text('detail'),
		createdAt: createdAt()
	},
	(t) => [
		index('audit_log_created_idx').on(t.createdAt),
		index('audit_log_target_idx').on(t.target, t.id),
		index('audit_log_actor_idx').on(t.actorId, t.id)
	]
);

export const webhookEndpoints = pgTable('webhook_endpoints', {
	id: text('id').primaryKey(),
	url: text('url').notNull(),
	description: text('description').notNull().default(''),
	eventTypes: text('event_types').notNull(),
	lowBalanceThreshold: int8('low_balance_threshold'),
	secret: text('secret').notNull(),
	enabled: flag('enabled').notNull().default(1),
	createdAt: createdAt(),
	updatedAt: moment('updated_at')
});

export const webhookMessages = pgTable(
	'webhook_messages',
	{
		id: text('id').primaryKey(),
		endpointId: text('endpoint_id')
			.notNull()
			.references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
		eventType: text('event_type', { enum: webhookEventTypes }).notNull(),
		payload: text('payload').notNull(),
		status: text('status', { enum: webhookMessageStatuses }).notNull().default('pending'),
		attempts: integer('attempts').notNull().default(0),
		attemptLimit: integer('attempt_limit').notNull(),
		nextAttemptAt: moment('next_attempt_at'),
		claimedUntil: moment('claimed_until'),
		createdAt: createdAt(),
		deliveredAt: moment('delivered_at')
	},
	(t) => [
		index('webhook_messages_due_idx').on(t.status, t.nextAttemptAt),
		index('webhook_messages_endpoint_idx').on(t.endpointId, t.createdAt)
	]
);

export const webhookAttempts = pgTable(
	'webhook_attempts',
	{
		id: int8('id').primaryKey().generatedByDefaultAsIdentity(),
		messageId: text('message_id')
			.notNull()
			.references(() => webhookMessages.id, { onDelete: 'cascade' }),
		attempt: integer('attempt').notNull(),
		startedAt: moment('started_at').notNull(),
		durationMs: integer('duration_ms').notNull(),
		responseStatus: integer('response_status'),
		responseSnippet: text('response_snippet').notNull(),
		delivered: flag('delivered').notNull()
	},
	(t) => [index('webhook_attempts_message_idx').on(t.messageId, t.attempt)]
);

export const apiKeys = pgTable('api_keys', {
	id: int8('id').primaryKey().generatedByDefaultAsIdentity(),
	name: text('name').notNull(),
	prefix: text('prefix').notNull().unique(),
	secretHash: bytea('secret_hash').notNull(),
	createdAt: createdAt(),
	createdBy: text('created_by').notNull(),
	lastUsedAt: moment('last_used_at'),
	revokedAt: moment('revoked_at')
});

export const apiResponses = pgTable('api_responses', {
	idempotencyKey: text('idempotency_key').primaryKey(),
	requestHash: text('request_hash').notNull(),
	status: integer('status').notNull(),
	body: text('body').notNull(),
	apiKeyId: int8('api_key_id').references(() => apiKeys.id),
	createdAt: createdAt()
});

export const transferMetadata = pgTable('transfer_metadata', {
	transferId: int8('transfer_id')
		.primaryKey()
		.references(() => transfers.id),
	metadata: text('metadata').notNull()
});

/**
 * PostgreSQL only: each transfer posted while an endpoint is enabled, queued by a trigger in the
 * transfer's own transaction until webhooks/pg-outbox.ts turns it into outbox messages (SQLite's ledger
 * writes those in its onPosted instead).
 */
export const outboxQueue = pgTable('outbox_queue', {
	transferId: int8('transfer_id')
		.primaryKey()
		.references(() => transfers.id)
});
