/** Client-safe shapes of the outbound webhooks: what Credits sends to the host app, and its log. */

export const webhookEventTypes = [
	'purchase.completed',
	'purchase.refunded',
	'credits.granted',
	'balance.low',
	'hold.expired'
] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

/** `pending` includes a message waiting for its next retry; `failed` ran out of attempts. */
export const webhookMessageStatuses = ['pending', 'delivered', 'failed'] as const;
export type WebhookMessageStatus = (typeof webhookMessageStatuses)[number];

export type WebhookEndpointView = {
	id: string;
	url: string;
	description: string;
	eventTypes: WebhookEventType[];
	lowBalanceThreshold: number | null;
	enabled: boolean;
	createdAt: Date;
	/** Messages by status, for the list. */
	pending: number;
	failed: number;
};

export type WebhookAttemptView = {
	attempt: number;
	startedAt: Date;
	durationMs: number;
	/** The receiver's HTTP status, or null when no response came (timeout, refused connection). */
	responseStatus: number | null;
	/** The start of the response body, or what went wrong without one. */
	responseSnippet: string;
	delivered: boolean;
};

export type WebhookMessageView = {
	id: string;
	eventType: WebhookEventType;
	status: WebhookMessageStatus;
	attempts: number;
	createdAt: Date;
	nextAttemptAt: Date | null;
	lastAttempt: WebhookAttemptView | null;
};
