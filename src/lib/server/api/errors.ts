import type { LedgerError, LedgerErrorCode } from '../ledger';

/** Every error the HTTP API answers, by stable code: its status and what it means (the docs' table). */
export const apiErrors = {
	invalid_request: [400, 'A field or query parameter is missing or wrong; param names it.'],
	unauthorized: [401, 'No valid API key (or session, where one may be used); a revoked key too.'],
	insufficient_credits: [402, 'The user’s available credits do not cover the amount.'],
	forbidden: [403, 'A session asked for another user’s data.'],
	not_found: [404, 'No such endpoint.'],
	user_not_found: [404, 'No user has that id or email.'],
	hold_not_found: [404, 'No hold has that id.'],
	idempotency_conflict: [409, 'The idempotency key was already used with a different request.'],
	hold_not_pending: [409, 'The hold was already captured, released or expired.'],
	payload_too_large: [413, 'The body is larger than 16 KiB.'],
	unsupported_media_type: [415, 'The body is not sent as application/json.'],
	account_in_debt: [423, 'The account owes credits (after a refund or dispute) and cannot spend.'],
	rate_limited: [429, 'Too many requests for this key; wait Retry-After seconds.']
} as const satisfies Record<string, readonly [number, string]>;

export type ApiErrorCode = keyof typeof apiErrors;
export const apiErrorCodes = Object.keys(apiErrors) as [ApiErrorCode, ...ApiErrorCode[]];

export type ApiError = { code: ApiErrorCode; message: string; param?: string };
export type ApiOutcome<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export function statusOf(code: ApiErrorCode): number {
	return apiErrors[code][0];
}

export function apiFailure(code: ApiErrorCode, message: string, param?: string) {
	return { ok: false as const, error: { code, message, ...(param && { param }) } };
}

// The one place ledger refusals become API errors; an amount the ledger refuses names its field.
const fromLedgerCodes: Record<LedgerErrorCode, { code: ApiErrorCode; param?: string }> = {
	insufficient_credits: { code: 'insufficient_credits' },
	idempotency_conflict: { code: 'idempotency_conflict', param: 'idempotency_key' },
	account_in_debt: { code: 'account_in_debt' },
	hold_not_found: { code: 'hold_not_found' },
	hold_not_pending: { code: 'hold_not_pending' },
	invalid_amount: { code: 'invalid_request', param: 'amount' },
	invalid_request: { code: 'invalid_request' }
};

export function fromLedger(error: LedgerError) {
	const { code, param } = fromLedgerCodes[error.code];
	return apiFailure(code, error.message, param);
}

/** A response as sent: its status and the exact body text (a stored one replays byte for byte). */
export type Reply = { status: number; body: string };

export function errorReply(error: ApiError): Reply {
	return { status: statusOf(error.code), body: JSON.stringify({ error }) };
}

export function toResponse({ status, body }: Reply, headers: Record<string, string> = {}) {
	return new Response(body, {
		status,
		headers: { 'content-type': 'application/json', ...headers }
	});
}

/** The HTTP API's error shape: `{"error":{"code","message","param?"}}`. */
export function errorResponse(error: ApiError, headers?: Record<string, string>) {
	return toResponse(errorReply(error), headers);
}
