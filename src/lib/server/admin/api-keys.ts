import { z } from 'zod';
import { createApiKey, revokeApiKey, type RevokeOutcome } from '../api/keys';
import type { Db } from '../db';
import { transaction } from '../db/unit';
import type { CreatedApiKeyView } from '../../types';
import { recordAudit, type Actor } from './audit';

export const apiKeyNameField = z
	.string({ error: 'Name the key.' })
	.trim()
	.min(1, 'Name the key, e.g. the service that will use it.')
	.max(100, 'Keep the name to 100 characters or fewer.');

/** Makes a key and logs it, in one transaction; `createdBy` is `user:<id>` or `cli`. */
export function createApiKeyLogged(
	db: Db,
	actor: Actor,
	name: string,
	createdBy = `user:${actor.id}`
): Promise<CreatedApiKeyView> {
	return transaction(db, function* (tx) {
		const created = yield* createApiKey(tx, { name, createdBy });
		yield* recordAudit(tx, actor, {
			action: 'api_key_create',
			target: `api_key:${created.id}`,
			outcome: 'ok',
			detail: `${name} (${created.prefix})`
		});
		return created;
	});
}

const refusals = { not_found: 'No key has that id.', already_revoked: 'Already revoked.' };

/** Revokes a key and logs it, refused or not. */
export function revokeApiKeyLogged(
	db: Db,
	actor: Actor,
	id: number
): Promise<RevokeOutcome & { message: string }> {
	return transaction(db, function* (tx) {
		const outcome = yield* revokeApiKey(tx, id);
		const message = outcome.ok
			? `Revoked ${outcome.name} (${outcome.prefix}); it is refused from now on.`
			: refusals[outcome.reason];
		yield* recordAudit(tx, actor, {
			action: 'api_key_revoke',
			target: `api_key:${id}`,
			outcome: outcome.ok ? 'ok' : 'refused',
			detail: message
		});
		return { ...outcome, message };
	});
}
