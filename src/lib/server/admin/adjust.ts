import { z } from 'zod';
import { formatCount } from '$lib/format';
import { getLedgerFor, type AsyncLedger } from '../app-ledger';
import type { Db } from '../db';
import { perform, type Unit } from '../db/unit';
import type { Ledger, LedgerErrorCode, Posted, Result } from '../ledger';
import { recordAudit, type Actor } from './audit';
import { parseFields } from './form-fields';
import { captureWrites, type Writes } from './ledger-capture';

export const maxAdjustmentCredits = 1_000_000_000;

/** A whole number of credits typed into a form, as the ledger takes it. */
export const creditsField = z
	.string({ error: 'Enter a number of credits.' })
	.trim()
	.regex(/^\d{1,10}$/, 'Enter a whole number of credits, like 100.')
	.transform(Number)
	.pipe(
		z
			.number()
			.min(1, 'Enter at least 1 credit.')
			.max(maxAdjustmentCredits, `Enter at most ${formatCount(maxAdjustmentCredits)} credits.`)
	);

export const reasonField = z
	.string({ error: 'Give a reason.' })
	.trim()
	.min(3, 'Give a reason of at least 3 characters.')
	.max(500, 'Keep the reason to 500 characters or fewer.');

const keyField = z
	.string({ error: 'This form has expired. Reload the page and try again.' })
	.regex(/^[\w-]{8,128}$/, 'This form has expired. Reload the page and try again.');

const confirmField = z
	.literal(['yes', ''], { error: 'Confirm with yes, or leave it empty to preview.' })
	.optional()
	.transform((value) => value === 'yes');

const isoDate = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

// Date parses 2031-02-31 as March 3rd; the day must exist as written.
function isCalendarDate(value: string) {
	const [year, month, day] = value.slice(0, 10).split('-').map(Number);
	const date = new Date(Date.UTC(year, month - 1, day));
	return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

// A bare date means the start of that day in UTC: the same day for every admin, wherever they are.
const expiresAtField = z
	.string()
	.trim()
	.optional()
	.refine((value) => !value || isoDate.test(value), {
		message: 'Enter a date, like 2031-12-31.',
		abort: true
	})
	.refine((value) => !value || isCalendarDate(value), {
		message: 'Enter a date that exists, like 2031-12-31.',
		abort: true
	})
	.transform((value) =>
		value ? new Date(value.length === 10 ? `${value}T00:00:00Z` : value) : null
	)
	.refine((date) => date === null || date.getTime() > Date.now(), 'Choose a date in the future.');

const grantSchema = z.object({
	amount: creditsField,
	reason: reasonField,
	category: z.enum(['paid', 'free'], { error: 'Choose paid or free credits.' }),
	expiresAt: expiresAtField,
	idempotencyKey: keyField,
	confirm: confirmField
});

const deductSchema = z.object({
	amount: creditsField,
	reason: reasonField,
	allowDebt: z
		.literal(['on', 'yes', 'true'], { error: 'Tick the box or leave it empty.' })
		.optional()
		.transform(Boolean),
	idempotencyKey: keyField,
	confirm: confirmField
});

export type AdjustmentKind = 'grant' | 'deduct';
export type GrantRequest = { kind: 'grant' } & z.output<typeof grantSchema>;
export type DeductRequest = { kind: 'deduct' } & z.output<typeof deductSchema>;
export type AdjustmentRequest = GrantRequest | DeductRequest;

const fieldsOf = {
	grant: ['amount', 'reason', 'category', 'expiresAt', 'idempotencyKey', 'confirm'],
	deduct: ['amount', 'reason', 'allowDebt', 'idempotencyKey', 'confirm']
} as const;

/** The grant or deduct form as a request, or a message per bad field. */
export function parseAdjustment(kind: AdjustmentKind, form: FormData) {
	const parsed = parseFields(kind === 'grant' ? grantSchema : deductSchema, form, fieldsOf[kind]);
	if (!parsed.ok) return parsed;
	return { ...parsed, data: { kind, ...parsed.data } as AdjustmentRequest };
}

export type AdjustmentOutcome =
	/** Nothing written: what confirming would write. */
	| { status: 'preview'; writes: Writes }
	| { status: 'applied'; writes: Writes; transferId: number }
	/** This form's key was used before: nothing new written, the first result shown. */
	| { status: 'replayed'; transferId: number; balance: number; available: number }
	| { status: 'refused'; code: LedgerErrorCode; message: string; field?: 'amount' | 'expiresAt' };

/** The ledger key of an admin's form: its own namespace, so it never meets another operation's key. */
export function adjustmentKey(request: Pick<AdjustmentRequest, 'kind' | 'idempotencyKey'>) {
	return `admin-${request.kind}:${request.idempotencyKey}`;
}

function operationOf(
	admin: Actor,
	userId: string,
	request: AdjustmentRequest
): (ledger: Ledger) => Result<Posted> {
	const common = {
		userId,
		amount: request.amount,
		reason: request.reason,
		actor: `admin:${admin.id}`,
		idempotencyKey: adjustmentKey(request)
	};
	if (request.kind === 'grant') {
		const { category, expiresAt } = request;
		return (ledger) => ledger.grant({ ...common, code: 'grant', category, expiresAt });
	}
	return (ledger) => ledger.adjust({ ...common, force: request.allowDebt });
}

/**
 * Grants credits to, or deducts them from, a user's balance. Without `confirm` it is a dry run: the
 * real ledger operation runs and is rolled back, so the preview shows exactly what confirming writes.
 * Each confirmed attempt that writes or is refused leaves one audit entry; a replayed key leaves none.
 */
export async function adjustBalance(
	db: Db,
	admin: Actor,
	userId: string,
	request: AdjustmentRequest
): Promise<AdjustmentOutcome> {
	const operation = operationOf(admin, userId, request);
	const { result, writes } = await captureWrites(db, userId, operation, function* (tx, captured) {
		const { result, writes } = captured;
		if (!request.confirm || !result.ok || result.replayed) return false;
		yield* audit(tx, admin, userId, request, 'ok', describe(writes!));
		return true;
	});
	if (!result.ok) {
		const { code, message } = result.error;
		const refusal = await refusalOf(getLedgerFor(db), userId, code, message);
		if (request.confirm)
			await perform(db, audit(db, admin, userId, request, 'refused', refusal.message));
		return refusal;
	}
	if (result.replayed) {
		const { transferId, balance, available } = result;
		return { status: 'replayed', transferId, balance, available };
	}
	if (!request.confirm) return { status: 'preview', writes: writes! };
	return { status: 'applied', writes: writes!, transferId: result.transferId };
}

async function refusalOf(
	ledger: AsyncLedger,
	userId: string,
	code: LedgerErrorCode,
	ledgerMessage: string
): Promise<Extract<AdjustmentOutcome, { status: 'refused' }>> {
	const refused = { status: 'refused' as const, code };
	if (code === 'insufficient_credits' || code === 'account_in_debt') {
		const { available } = await ledger.balance(userId);
		const has =
			available < 0
				? `This account owes ${formatCount(-available)} credits.`
				: `Only ${formatCount(available)} credits are available.`;
		return { ...refused, field: 'amount', message: `${has} Tick “Allow debt” to deduct more.` };
	}
	if (code === 'idempotency_conflict') {
		const message =
			'This form was already used for a different change. Reload the page to start again.';
		return { ...refused, message };
	}
	if (ledgerMessage.includes('expiresAt'))
		return { ...refused, field: 'expiresAt', message: 'Choose a date in the future.' };
	return { ...refused, message: ledgerMessage };
}

function describe({ balanceBefore, balanceAfter }: Writes) {
	return `balance ${formatCount(balanceBefore.balance)} → ${formatCount(balanceAfter.balance)}`;
}

function* audit(
	db: Db,
	admin: Actor,
	userId: string,
	request: AdjustmentRequest,
	outcome: 'ok' | 'refused',
	detail: string
): Unit<void> {
	const terms =
		request.kind === 'grant'
			? `${request.category} credits${request.expiresAt ? `, expiring ${request.expiresAt.toISOString()}` : ''}`
			: request.allowDebt
				? 'debt allowed'
				: 'no debt';
	yield* recordAudit(db, admin, {
		action: request.kind,
		outcome,
		target: `user:${userId}`,
		amount: request.amount,
		reason: request.reason,
		idempotencyKey: adjustmentKey(request),
		detail: `${terms}; ${detail}`
	});
}
