import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { pino, type DestinationStream, type Logger } from 'pino';

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

// Nothing logs these today; the list is the second lock for whatever someone logs tomorrow.
const secretKeys = [
	'password',
	'passwordHash',
	'card_number',
	'cardNumber',
	'authorization',
	'cookie',
	'set-cookie',
	'stripe-signature',
	'apiKey',
	'api_key',
	'key',
	'token',
	'secret',
	'webhookSecret',
	'stripeSecretKey',
	'stripeWebhookSecret',
	'STRIPE_SECRET_KEY',
	'STRIPE_WEBHOOK_SECRET'
];

/** Each secret key at the top of a line and up to three objects deep (`req.headers.cookie`). */
export const redactedPaths = secretKeys.flatMap((key) => {
	const field = /^\w+$/.test(key) ? key : `["${key}"]`;
	const nested = field.startsWith('[') ? field : `.${field}`;
	return [field, `*${nested}`, `*.*${nested}`, `*.*.*${nested}`];
});

const requestScope = new AsyncLocalStorage<{ requestId: string }>();

/** A JSON logger whose every line written while a request runs carries that request's id. */
export function createLogger(destination?: DestinationStream, level: LogLevel = 'info'): Logger {
	return pino(
		{
			level,
			base: undefined,
			timestamp: pino.stdTimeFunctions.isoTime,
			formatters: { level: (label) => ({ level: label }) },
			redact: { paths: redactedPaths, censor: '[redacted]' },
			mixin: () => {
				const scope = requestScope.getStore();
				return scope ? { requestId: scope.requestId } : {};
			}
		},
		destination
	);
}

const configured = logLevels.find((level) => level === process.env.LOG_LEVEL);
// An unknown LOG_LEVEL stops start-up in config.ts with a line naming it; until then, the default.
export const log = createLogger(undefined, configured ?? 'info');

/** Runs `work` as part of the request with this id: every line it logs says so. */
export function inRequest<T>(requestId: string, work: () => T): T {
	return requestScope.run({ requestId }, work);
}

// What a proxy's id looks like (nginx's $request_id, a UUID, a trace id); anything else may be an injection.
const safeRequestId = /^[\w.:-]{1,64}$/;

/** A client's or proxy's `x-request-id` when it is short and plain, else a fresh one. */
export function requestIdFrom(headers: Headers): string {
	const sent = headers.get('x-request-id');
	return sent && safeRequestId.test(sent) ? sent : randomUUID();
}
