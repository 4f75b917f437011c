import { z } from 'zod';
import { holdStatuses, lotCategories, transferCodes } from '../ledger/schema';
import { apiErrorCodes } from './errors';

/**
 * The HTTP API's wire format. Routes parse with these, and the OpenAPI document is generated from
 * them (openapi.ts), so the two cannot drift. Objects are strict: an unknown field is a 400 naming it.
 */

export const maxCredits = 1_000_000_000;

const userId = z
	.string()
	.min(1)
	.max(255)
	.meta({ description: 'A Credits user id (see GET /users).' });
const amount = z
	.int()
	.positive()
	.max(maxCredits)
	.meta({ description: `Whole credits, 1 to ${maxCredits}.` });
// Stored in the ledger as `api:<key>`, which must stay within its 255 characters.
const idempotencyKey = z
	.string()
	.regex(/^[\x21-\x7e]{1,200}$/, 'must be 1 to 200 visible ASCII characters')
	.meta({
		description: 'Unique per write; a retry with the same key and body replays the first response.'
	});
const reason = z.string().trim().min(1).max(500);
const timestamp = z.iso.datetime().meta({ description: 'ISO 8601, UTC.' });

export const spendRequest = z.strictObject({
	user_id: userId,
	amount,
	idempotency_key: idempotencyKey,
	reason: reason.meta({ description: 'Shown in the user’s history.' }),
	metadata: z
		.record(z.string().min(1).max(40), z.string().max(500))
		.refine((value) => Object.keys(value).length <= 20, 'must have at most 20 keys')
		.optional()
		.meta({ description: 'Up to 20 string values of your own, returned with the transaction.' })
});

export const holdRequest = z.strictObject({
	user_id: userId,
	amount,
	idempotency_key: idempotencyKey,
	expires_in_seconds: z.int().min(1).max(86_400),
	reason: reason.optional()
});

export const captureRequest = z.strictObject({
	amount: amount
		.optional()
		.meta({ description: 'At most the hold; defaults to all of it. The rest is released.' }),
	idempotency_key: idempotencyKey
});

export const releaseRequest = z.strictObject({
	idempotency_key: idempotencyKey
		.optional()
		.meta({ description: 'Defaults to one per hold, so a retried release replays.' })
});

export const grantRequest = z.strictObject({
	user_id: userId,
	amount,
	idempotency_key: idempotencyKey,
	reason,
	category: z.enum(lotCategories).default('free'),
	expires_at: z.iso
		.datetime({ offset: true })
		.refine((value) => Date.parse(value) > Date.now(), 'must be in the future')
		.optional()
});

export const balanceQuery = z.strictObject({
	user_id: userId
		.optional()
		.meta({ description: 'Required with an API key; a session reads its own.' })
});

const cursor = z.string().regex(/^[1-9]\d{0,15}$/, 'must be a transaction id');

export const transactionsQuery = z.strictObject({
	user_id: userId
		.optional()
		.meta({ description: 'Required with an API key; a session reads its own.' }),
	type: z.enum(transferCodes).optional(),
	limit: z
		.string()
		.regex(/^\d{1,3}$/, 'must be a whole number from 1 to 100')
		.transform(Number)
		.pipe(z.int().min(1).max(100))
		.optional()
		.meta({ description: '1 to 100, default 20.' }),
	starting_after: cursor.optional().meta({ description: 'The `next_cursor` of the previous page.' })
});

export const usersQuery = z.strictObject({
	email: z.string().trim().toLowerCase().max(255).pipe(z.email())
});

export const balanceResponse = z.strictObject({
	user_id: userId,
	balance: z.int(),
	available: z.int().meta({ description: 'balance minus credits on hold; negative while in debt' }),
	on_hold: z.int(),
	expiring_soon: z.int().meta({ description: 'unheld credits that expire within 30 days' }),
	debt: z.int()
});

export const spendResponse = z.strictObject({
	transfer_id: z.int(),
	balance: z.int(),
	available: z.int()
});

export const holdResponse = z.strictObject({
	hold_id: z.int(),
	user_id: userId,
	status: z.enum(holdStatuses),
	amount,
	captured: z.int().min(0),
	expires_at: timestamp,
	balance: z.int(),
	available: z.int()
});

export const grantResponse = z.strictObject({
	transfer_id: z.int(),
	balance: z.int(),
	available: z.int()
});

export const transaction = z.strictObject({
	id: z.int(),
	type: z.enum(transferCodes),
	amount,
	balance_change: z.int().meta({ description: '+ into the balance, − out of it, 0 for a hold' }),
	balance_after: z.int(),
	hold_id: z.int().nullable(),
	reason: z.string().nullable(),
	reference: z.string().nullable(),
	metadata: z.record(z.string(), z.string()).nullable(),
	created_at: timestamp
});

export const transactionsResponse = z.strictObject({
	data: z.array(transaction),
	has_more: z.boolean(),
	next_cursor: z.string().nullable()
});

export const userResponse = z.strictObject({
	user_id: userId,
	email: z.string(),
	created_at: timestamp
});

export const errorResponse = z.strictObject({
	error: z.strictObject({
		code: z.enum(apiErrorCodes),
		message: z.string(),
		param: z.string().optional()
	})
});

export type SpendRequest = z.output<typeof spendRequest>;
export type HoldRequest = z.output<typeof holdRequest>;
export type CaptureRequest = z.output<typeof captureRequest>;
export type ReleaseRequest = z.output<typeof releaseRequest>;
export type GrantRequest = z.output<typeof grantRequest>;
export type GrantRequestInput = z.input<typeof grantRequest>;
export type BalanceQuery = z.output<typeof balanceQuery>;
export type TransactionsQuery = z.output<typeof transactionsQuery>;
export type BalanceResponse = z.output<typeof balanceResponse>;
export type SpendResponse = z.output<typeof spendResponse>;
export type HoldResponse = z.output<typeof holdResponse>;
export type GrantResponse = z.output<typeof grantResponse>;
export type Transaction = z.output<typeof transaction>;
export type TransactionsResponse = z.output<typeof transactionsResponse>;
export type UserResponse = z.output<typeof userResponse>;
export type ErrorResponse = z.output<typeof errorResponse>;
