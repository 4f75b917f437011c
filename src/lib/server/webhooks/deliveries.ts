import { and, count, desc, eq, inArray, sql } from 'drizzle-orm';
import type { WebhookAttemptView, WebhookEndpointView, WebhookMessageView } from '../../types';
import type { Actor } from '../admin/audit';
import type { Db } from '../db';
import { run, transaction, type Unit } from '../db/unit';
import { webhookAttempts, webhookEndpoints, webhookMessages } from '../db/schema';
import { audit } from './endpoints';

const endpointColumns = {
	id: webhookEndpoints.id,
	url: webhookEndpoints.url,
	description: webhookEndpoints.description,
	eventTypes: webhookEndpoints.eventTypes,
	lowBalanceThreshold: webhookEndpoints.lowBalanceThreshold,
	enabled: webhookEndpoints.enabled,
	createdAt: webhookEndpoints.createdAt
};

/** Every endpoint, newest first, with how many of its messages wait or failed; never the secrets. */
export async function listEndpoints(db: Db): Promise<WebhookEndpointView[]> {
	const tallies = await db
		.select({ endpointId: webhookMessages.endpointId, status: webhookMessages.status, n: count() })
		.from(webhookMessages)
		.where(inArray(webhookMessages.status, ['pending', 'failed']))
		.groupBy(webhookMessages.endpointId, webhookMessages.status);
	const tally = (id: string, status: 'pending' | 'failed') =>
		tallies.find((row) => row.endpointId === id && row.status === status)?.n ?? 0;
	const endpoints = await db
		.select(endpointColumns)
		.from(webhookEndpoints)
		.orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id));
	return endpoints.map((row) => ({
		...row,
		pending: tally(row.id, 'pending'),
		failed: tally(row.id, 'failed')
	}));
}

export type EndpointLog = { endpoint: WebhookEndpointView; messages: WebhookMessageView[] };

const logLength = 50;

/** The endpoint and its newest messages, each with its latest attempt; undefined if there is none. */
export async function endpointLog(db: Db, id: string): Promise<EndpointLog | undefined> {
	const endpoint = (await listEndpoints(db)).find((row) => row.id === id);
	if (!endpoint) return undefined;
	const messages = await db
		.select()
		.from(webhookMessages)
		.where(eq(webhookMessages.endpointId, id))
		.orderBy(desc(webhookMessages.createdAt), desc(webhookMessages.id))
		.limit(logLength);
	const latest = await latestAttempts(
		db,
		messages.map((message) => message.id)
	);
	return {
		endpoint,
		messages: messages.map((message) => ({
			id: message.id,
			eventType: message.eventType,
			status: message.status,
			attempts: message.attempts,
			createdAt: message.createdAt,
			nextAttemptAt: message.status === 'pending' ? message.nextAttemptAt : null,
			lastAttempt: latest.get(message.id) ?? null
		}))
	};
}

async function latestAttempts(db: Db, messageIds: string[]) {
	const latest = new Map<string, WebhookAttemptView>();
	if (messageIds.length === 0) return latest;
	const rows = await db
		.select()
		.from(webhookAttempts)
		.where(inArray(webhookAttempts.messageId, messageIds))
		.orderBy(webhookAttempts.messageId, webhookAttempts.attempt);
	for (const { id: _id, messageId, ...attempt } of rows) latest.set(messageId, attempt);
	return latest;
}

export type ResendResult = { ok: true } | { ok: false; code: 'message_not_found'; message: string };

/**
 * Sends a message again soon, with the same `webhook-id` (receivers deduplicate on it): a delivered
 * or failed one gets one more attempt, a pending one skips the rest of its wait.
 */
export function resendMessage(
	db: Db,
	admin: Actor,
	endpointId: string,
	messageId: string
): Promise<ResendResult> {
	const { attemptLimit, attempts } = webhookMessages;
	return transaction(db, function* (tx): Unit<ResendResult> {
		const moved = yield* run(
			tx
				.update(webhookMessages)
				.set({
					status: 'pending',
					nextAttemptAt: new Date(),
					// The greater of the two; SQLite's two-argument max() does not exist on PostgreSQL.
					attemptLimit: sql`case when ${attemptLimit} > ${attempts} + 1 then ${attemptLimit} else ${attempts} + 1 end`
				})
				.where(and(eq(webhookMessages.id, messageId), eq(webhookMessages.endpointId, endpointId)))
		);
		const found = moved > 0;
		yield* audit(
			tx,
			admin,
			'webhook_message_resend',
			endpointId,
			found ? `Resend ${messageId}` : `No message ${messageId}`,
			found ? 'ok' : 'refused'
		);
		if (found) return { ok: true };
		return {
			ok: false,
			code: 'message_not_found',
			message: 'This endpoint has no such message.'
		};
	});
}
