import { eq } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import type { Db } from '../db';
import { webhookEndpoints, type AuditAction } from '../db/schema';
import { recordAudit, type Actor } from '../admin/audit';
import { generateSecureRandomString } from '../random';
import type { EndpointInput } from './endpoint-form';
import { endpointsChanged } from './outbox';

export type EndpointCommandResult =
	| { ok: true; endpointId: string; secret?: string }
	| { ok: false; code: 'endpoint_not_found'; message: string };

/** Standard Webhooks' secret format: `whsec_` and the base64 of the key (32 random bytes). */
function generateSigningSecret() {
	return `whsec_${randomBytes(32).toString('base64')}`;
}

/** Registers an endpoint; the answer carries its signing secret, which is never shown again. */
export function createEndpoint(db: Db, admin: Actor, input: EndpointInput) {
	const id = `ep_${generateSecureRandomString()}`;
	const secret = generateSigningSecret();
	db.transaction(
		() => {
			db.insert(webhookEndpoints)
				.values({ id, ...input, secret })
				.run();
			audit(
				db,
				admin,
				'webhook_endpoint_create',
				id,
				`Registered ${input.url} for ${input.eventTypes.join(', ')}`
			);
		},
		{ behavior: 'immediate' }
	);
	endpointsChanged(db);
	return { ok: true as const, endpointId: id, secret };
}

export function setEndpointEnabled(
	db: Db,
	admin: Actor,
	id: string,
	enabled: boolean
): EndpointCommandResult {
	return change(
		db,
		admin,
		id,
		enabled ? 'webhook_endpoint_enable' : 'webhook_endpoint_disable',
		(url) => {
			db.update(webhookEndpoints)
				.set({ enabled, updatedAt: new Date() })
				.where(eq(webhookEndpoints.id, id))
				.run();
			return { detail: `${enabled ? 'Enabled' : 'Disabled'} ${url}` };
		}
	);
}

/** A new secret at once: deliveries signed from now on use it, so the receiver must switch too. */
export function rotateEndpointSecret(db: Db, admin: Actor, id: string): EndpointCommandResult {
	const secret = generateSigningSecret();
	return change(db, admin, id, 'webhook_endpoint_rotate', (url) => {
		db.update(webhookEndpoints)
			.set({ secret, updatedAt: new Date() })
			.where(eq(webhookEndpoints.id, id))
			.run();
		return { detail: `New signing secret for ${url}`, secret };
	});
}

/** Deletes the endpoint with its messages and their delivery log; the audit log keeps the record. */
export function deleteEndpoint(db: Db, admin: Actor, id: string): EndpointCommandResult {
	return change(db, admin, id, 'webhook_endpoint_delete', (url) => {
		db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id)).run();
		return { detail: `Deleted ${url} and its delivery log` };
	});
}

function change(
	db: Db,
	admin: Actor,
	id: string,
	action: AuditAction,
	apply: (url: string) => { detail: string; secret?: string }
): EndpointCommandResult {
	const result = db.transaction(
		(): EndpointCommandResult => {
			const found = db
				.select({ url: webhookEndpoints.url })
				.from(webhookEndpoints)
				.where(eq(webhookEndpoints.id, id))
				.get();
			if (!found) {
				audit(db, admin, action, id, 'No such endpoint', 'refused');
				return {
					ok: false,
					code: 'endpoint_not_found',
					message: 'No webhook endpoint has that id.'
				};
			}
			const { detail, secret } = apply(found.url);
			audit(db, admin, action, id, detail);
			return { ok: true, endpointId: id, secret };
		},
		{ behavior: 'immediate' }
	);
	endpointsChanged(db);
	return result;
}

export function audit(
	db: Db,
	admin: Actor,
	action: AuditAction,
	endpointId: string,
	detail: string,
	outcome: 'ok' | 'refused' = 'ok'
) {
	recordAudit(db, admin, { action, outcome, target: `webhook:${endpointId}`, detail });
}
