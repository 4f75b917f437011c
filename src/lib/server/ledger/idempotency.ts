import { hash } from 'node:crypto';
import type { Context } from './context';
import { fail, type Failure } from './errors';
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

/** null: the key is new. A Prior: replay it. A Failure: the key was used with other parameters. */
export function findPrior(ctx: Context, key: string, hash: string) {
	return findPriorBy(ctx, key, (prior) => prior.requestHash === hash);
}

/** findPrior for an operation whose transfer records every parameter: `isSame` compares them. */
export function findPriorBy(
	ctx: Context,
	key: string,
	isSame: (prior: Prior) => boolean
): Prior | Failure | null {
	const prior = ctx.sql.transferByKey.get(key) as Prior | undefined;
	if (!prior) return null;
	if (isSame(prior)) return prior;
	return fail(
		'idempotency_conflict',
		`idempotency key "${key}" was already used with different parameters`
	);
}

export function isFailure(value: object): value is Failure {
	return 'ok' in value && value.ok === false;
}
