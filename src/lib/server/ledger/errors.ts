export const ledgerErrorCodes = [
	'insufficient_credits',
	'idempotency_conflict',
	'account_in_debt',
	'hold_not_found',
	'hold_not_pending',
	'invalid_amount',
	'invalid_request'
] as const;

export type LedgerErrorCode = (typeof ledgerErrorCodes)[number];
export type LedgerError = { code: LedgerErrorCode; message: string };
export type Failure = { ok: false; error: LedgerError };
export type Result<T> = ({ ok: true } & T) | Failure;

export function fail(code: LedgerErrorCode, message: string): Failure {
	return { ok: false, error: { code, message } };
}

// Keys with this prefix name the transfers the ledger writes on its own (expiries, released remainders).
export const internalKeyPrefix = 'ledger:';

export function checkAmount(amount: number): Failure | null {
	if (Number.isSafeInteger(amount) && amount > 0) return null;
	return fail('invalid_amount', `amount must be a positive integer, got ${amount}`);
}

export function checkKey(key: string): Failure | null {
	if (typeof key !== 'string' || key.length === 0 || key.length > 255) {
		return fail('invalid_request', 'idempotencyKey must be 1 to 255 characters');
	}
	if (key.startsWith(internalKeyPrefix)) {
		return fail('invalid_request', `idempotencyKey must not start with "${internalKeyPrefix}"`);
	}
	return null;
}

export function checkFuture(
	date: Date | null | undefined,
	now: number,
	name: string
): Failure | null {
	if (date == null) return null;
	const ms = date.getTime();
	if (Number.isFinite(ms) && ms > now) return null;
	return fail('invalid_request', `${name} must be a date in the future`);
}
