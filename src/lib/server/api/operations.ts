import { z } from 'zod';
import type { ApiErrorCode } from './errors';
import * as schemas from './schemas';

/**
 * Every endpoint of /api/v1 once: the OpenAPI document (openapi.ts) and the docs page (/docs/api) are
 * both made from this list and the schemas the routes parse with.
 */
export type ApiOperation = {
	id: string;
	method: 'GET' | 'POST';
	/** OpenAPI style, under /api/v1 */
	path: string;
	summary: string;
	access: 'key' | 'key or session' | 'anyone';
	query?: z.ZodObject;
	body?: z.ZodType;
	response: z.ZodType;
	/** The error codes it may answer, in order of precedence. */
	errors: ApiErrorCode[];
	/** For the docs' curl: the query string or the body. */
	example?: string | Record<string, unknown>;
	/** A write: replayed by its idempotency key. */
	idempotent?: boolean;
};

const readErrors: ApiErrorCode[] = ['unauthorized', 'rate_limited', 'invalid_request'];
const writeErrors: ApiErrorCode[] = [
	'unauthorized',
	'rate_limited',
	'unsupported_media_type',
	'payload_too_large',
	'invalid_request',
	'idempotency_conflict'
];

export const apiOperations: ApiOperation[] = [
	{
		id: 'getBalance',
		method: 'GET',
		path: '/balance',
		summary: 'A user’s balance, available credits, holds, credits expiring soon and debt.',
		access: 'key or session',
		query: schemas.balanceQuery,
		response: schemas.balanceResponse,
		errors: [...readErrors, 'forbidden', 'user_not_found'],
		example: 'user_id=USER_ID'
	},
	{
		id: 'spend',
		method: 'POST',
		path: '/spend',
		summary: 'Spends credits now: soonest-expiring first, then free before paid, then oldest.',
		access: 'key',
		body: schemas.spendRequest,
		response: schemas.spendResponse,
		errors: [...writeErrors, 'user_not_found', 'account_in_debt', 'insufficient_credits'],
		example: {
			user_id: 'USER_ID',
			amount: 5,
			idempotency_key: 'export-42',
			reason: 'PDF export',
			metadata: { document: 'doc_7' }
		},
		idempotent: true
	},
	{
		id: 'createHold',
		method: 'POST',
		path: '/holds',
		summary: 'Reserves credits for a job whose cost is known only at the end.',
		access: 'key',
		body: schemas.holdRequest,
		response: schemas.holdResponse,
		errors: [...writeErrors, 'user_not_found', 'account_in_debt', 'insufficient_credits'],
		example: {
			user_id: 'USER_ID',
			amount: 50,
			idempotency_key: 'job-7',
			expires_in_seconds: 600,
			reason: 'video render'
		},
		idempotent: true
	},
	{
		id: 'captureHold',
		method: 'POST',
		path: '/holds/{id}/capture',
		summary: 'Spends up to the held amount (all of it by default) and releases the rest.',
		access: 'key',
		body: schemas.captureRequest,
		response: schemas.holdResponse,
		errors: [...writeErrors, 'hold_not_found', 'hold_not_pending'],
		example: { amount: 20, idempotency_key: 'job-7:capture' },
		idempotent: true
	},
	{
		id: 'releaseHold',
		method: 'POST',
		path: '/holds/{id}/release',
		summary: 'Gives all of a pending hold back; a retry replays the first release.',
		access: 'key',
		body: schemas.releaseRequest,
		response: schemas.holdResponse,
		errors: [...writeErrors, 'hold_not_found', 'hold_not_pending'],
		example: {},
		idempotent: true
	},
	{
		id: 'getHold',
		method: 'GET',
		path: '/holds/{id}',
		summary: 'A hold’s status (pending, captured, released or expired) and amounts.',
		access: 'key',
		response: schemas.holdResponse,
		errors: [...readErrors, 'hold_not_found']
	},
	{
		id: 'grant',
		method: 'POST',
		path: '/grants',
		summary:
			'Gives credits for the host app’s own promotions (free by default, optionally expiring).',
		access: 'key',
		body: schemas.grantRequest,
		response: schemas.grantResponse,
		errors: [...writeErrors, 'user_not_found'],
		example: {
			user_id: 'USER_ID',
			amount: 100,
			idempotency_key: 'launch-promo:USER_ID',
			reason: 'Launch promotion',
			category: 'free',
			expires_at: '2031-01-01T00:00:00Z'
		},
		idempotent: true
	},
	{
		id: 'listTransactions',
		method: 'GET',
		path: '/transactions',
		summary:
			'A user’s ledger, newest first, a page at a time (starting_after = the last next_cursor).',
		access: 'key or session',
		query: schemas.transactionsQuery,
		response: schemas.transactionsResponse,
		errors: [...readErrors, 'forbidden', 'user_not_found'],
		example: 'user_id=USER_ID&type=spend&limit=20'
	},
	{
		id: 'findUser',
		method: 'GET',
		path: '/users',
		summary: 'Maps your user’s email to their Credits user id.',
		access: 'key',
		query: schemas.usersQuery,
		response: schemas.userResponse,
		errors: [...readErrors, 'user_not_found'],
		example: 'email=ada%40example.com'
	},
	{
		id: 'ping',
		method: 'GET',
		path: '/ping',
		summary: 'Reachability: answers without a key or the database.',
		access: 'anyone',
		response: z.object({ ok: z.literal(true) }),
		errors: []
	},
	{
		id: 'getOpenApi',
		method: 'GET',
		path: '/openapi.json',
		summary: 'This API as an OpenAPI 3.1 document.',
		access: 'anyone',
		response: z.record(z.string(), z.unknown()),
		errors: []
	}
];
