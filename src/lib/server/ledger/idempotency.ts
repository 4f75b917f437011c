import { hash } from 'node:crypto';
import type { Context } from './context';
import { fail, type Failure } from './errors';

/** The transfer a key already produced, as a replay needs it. */
export type Prior = {
	id: number;
	accountId: number;
	requestHash: string | null;
	holdId: number | null;
	amount: number;
	balance: number;
	available: number;
};

/** Fingerprint of an operation and its parameters, in a fixed order. */
export function hashRequest(operation: string, ...parameters: unknown[]) {
	return hash('sha256', JSON.stringify([operation, ...parameters]), 'base64url');
}

/** null: the key is new. A Prior: replay it. A Failure: the key was used with other parameters. */
export function findPrior(ctx: Context, key: string, hash: string): Prior | Failure | null {
	const prior = ctx.sql.transferByKey.get(key) as Prior | undefined;
	if (!prior) return null;
	if (prior.requestHash === hash) return prior;
	return fail('idempotency_conflict', `idempotency key "${key}" was already used with different parameters`);
}

export function isFailure(value: object): value is Failure {
	return 'ok' in value && value.ok === false;
}
