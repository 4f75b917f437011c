import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { Db } from '../db';
import { run, type Unit } from '../db/unit';
import { auditLog, type AuditAction, type AuditEntry } from '../db/schema';
import type { AuditEntryView } from '../../types';

export type Actor = { id: string; email: string };
export type AuditRecord = {
	action: AuditAction;
	outcome: AuditEntry['outcome'];
	target?: string;
	amount?: number;
	reason?: string;
	idempotencyKey?: string;
	detail?: string;
};

/**
 * Appends one admin action to the log; rows are never changed or removed (triggers refuse it). A unit,
 * so it commits with the change it records: `yield* recordAudit(tx, …)` in a transaction, or
 * `await perform(db, recordAudit(db, …))` alone.
 */
export function* recordAudit(db: Db, actor: Actor, record: AuditRecord): Unit<void> {
	yield* run(db.insert(auditLog).values({ actorId: actor.id, actorEmail: actor.email, ...record }));
}

export type AuditFilter = {
	actorEmail?: string;
	action?: AuditAction;
	target?: string;
	/** the smallest id of the previous page */
	before?: number;
	limit?: number;
};

/** Newest first, keyset-paginated on the id. */
export async function listAudit(
	db: Db,
	filter: AuditFilter = {}
): Promise<{ entries: AuditEntryView[]; nextBefore: number | null }> {
	const limit = Math.min(Math.max(filter.limit ?? 50, 1), 200);
	const conditions: SQL[] = [];
	if (filter.actorEmail) conditions.push(eq(auditLog.actorEmail, filter.actorEmail));
	if (filter.action) conditions.push(eq(auditLog.action, filter.action));
	if (filter.target) conditions.push(eq(auditLog.target, filter.target));
	if (filter.before !== undefined) conditions.push(lt(auditLog.id, filter.before));
	const rows = await db
		.select()
		.from(auditLog)
		.where(and(...conditions))
		.orderBy(desc(auditLog.id))
		.limit(limit + 1);
	const more = rows.length > limit;
	const entries = (more ? rows.slice(0, limit) : rows).map(
		({ actorId: _actorId, ...entry }) => entry
	);
	return { entries, nextBefore: more ? rows[limit - 1].id : null };
}
