import { json } from '@sveltejs/kit';

export type ApiErrorCode =
	| 'invalid_request'
	| 'unauthorized'
	| 'forbidden'
	| 'not_found'
	| 'insufficient_credits'
	| 'idempotency_conflict'
	| 'account_in_debt';

/** The HTTP API's error shape: `{"error":{"code","message","param?"}}`. */
export function apiError(status: number, code: ApiErrorCode, message: string, param?: string) {
	return json({ error: { code, message, ...(param && { param }) } }, { status });
}
