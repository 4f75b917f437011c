import { eq } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import type { Db } from '../db';
import { first, run, transaction, type Unit } from '../db/unit';
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
export async function createEndpoint(db: Db, admin: Actor, input: EndpointInput) {
	const id = `ep_${generateSecureRandomString()}`;
	const secret = generateSigningSecret();
	await transaction(db, function* (tx) {
		yield* run(tx.insert(webhookEndpoints).values({ id, ...input, secret }));
		yield* audit(
			tx,
			admin,
			'webhook_endpoint_create',
			id,
			`Registered ${input.url} for ${input.eventTypes.join(', ')}`
		);
	});
	endpointsChanged(db);
	return { ok: true as const, endpointId: id, secret };
}

export function setEndpointEnabled(
	db: Db,
	admin: Actor,
	id: string,
	enabled: boolean
): Promise<EndpointCommandResult> {
	return change(
		db,
		admin,
		id,
		enabled ? 'webhook_endpoint_enable' : 'webhook_endpoint_disable',
		function* (tx, url) {
			yield* run(
				tx
					.update(webhookEndpoints)
					.set({ enabled, updatedAt: new Date() })
					.where(eq(webhookEndpoints.id, id))
			);
			return { detail: `${enabled ? 'Enabled' : 'Disabled'} ${url}` };
		}
	);
}

/** A new secret at once: deliveries signed from now on use it, so the receiver must switch too. */
export function rotateEndpointSecret(
	db: Db,
	admin: Actor,
	id: string
): Promise<EndpointCommandResult> {
	const secret = generateSigningSecret();
	return change(db, admin, id, 'webhook_endpoint_rotate', function* (tx, url) {
		yield* run(
			tx
				.update(webhookEndpoints)
				.set({ secret, updatedAt: new Date() })
				.where(eq(webhookEndpoints.id, id))
		);
		return { detail: `New signing secret for ${url}`, secret };
	});
}

/** Deletes the endpoint with its messages and their delivery log; the audit log keeps the record. */
export function deleteEndpoint(db: Db, admin: Actor, id: string): Promise<EndpointCommandResult> {
	return change(db, admin, id, 'webhook_endpoint_delete', function* (tx, url) {
		yield* run(tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id)));
		return { detail: `Deleted ${url} and its delivery log` };
	});
}

async function change(
	db: Db,
	admin: Actor,
	id: string,
	action: AuditAction,
	apply: (tx: Db, url: string) => Unit<{ detail: string; secret?: string }>
): Promise<EndpointCommandResult> {
	const result = await transaction(db, function* (tx): Unit<EndpointCommandResult> {
		const found = yield* first(
			tx
				.select({ url: webhookEndpoints.url })
				.from(webhookEndpoints)
				.where(eq(webhookEndpoints.id, id))
				.limit(1)
		);
		if (!found) {
			yield* audit(tx, admin, action, id, 'No such endpoint', 'refused');
			return {
				ok: false,
				code: 'endpoint_not_found',
				message: 'No webhook endpoint has that id.'
			};
		}
		const { detail, secret } = yield* apply(tx, found.url);
		yield* audit(tx, admin, action, id, detail);
		return { ok: true, endpointId: id, secret };
	});
	endpointsChanged(db);
	return result;
}

export function* audit(
	tx: Db,
	admin: Actor,
	action: AuditAction,
	endpointId: string,
	detail: string,
	outcome: 'ok' | 'refused' = 'ok'
): Unit<void> {
	yield* recordAudit(tx, admin, { action, outcome, target: `webhook:${endpointId}`, detail });
}
