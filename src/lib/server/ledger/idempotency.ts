import { hash } from 'node:crypto';
import type { Context } from './context';
import { fail, type Failure, type Result } from './errors';
import { replayOf, type Posted } from './results';
import type { TransferCode } from './schema';

/** The transfer a key already produced, as a replay (and a spend's comparison) needs it. */
export type Prior = {
	id: number;
	accountId: number;
	userId: string;
	code: TransferCode;
	requestHash: string | null;
	holdId: number | null;
	amount: number;
	reference: string | null;
	reason: string | null;
	actor: string;
	balance: number;
	available: number;
};

/** Fingerprint of an operation and its parameters, in a fixed order. */
export function hashRequest(operation: string, ...parameters: unknown[]) {
	return hash('sha256', JSON.stringify([operation, ...parameters]), 'base64url');
}

/**
 * null when the key is new. Otherwise the key's earlier result, replayed with the operation's own fields
 * (`extra`) if the parameters are the same, or idempotency_conflict. `same` is the request hash, or for
 * an operation whose transfer records every parameter, a comparison with those columns.
 */
export function replayOrConflict<T extends object = object>(
	ctx: Context,
	key: string,
	same: string | ((prior: Prior) => boolean),
	extra?: (prior: Prior) => T
): Result<Posted & T> | null {
	const prior = ctx.sql.transferByKey.get(key) as Prior | undefined;
	if (!prior) return null;
	if (typeof same === 'string' ? prior.requestHash !== same : !same(prior)) {
		return fail(
			'idempotency_conflict',
			`idempotency key "${key}" was already used with different parameters`
		);
	}
	return { ok: true, ...replayOf(prior), ...(extra?.(prior) as T) };
}

export function isFailure(value: object): value is Failure {
	return 'ok' in value && value.ok === false;
}
