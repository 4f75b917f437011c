import { inArray } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import type { Db } from '../db';
import { purchases, webhookMessages } from '../db/schema';
import type { PostedTransfer } from '../ledger';
import { namesPurchase } from './events';
import { listenersQuery, messagesOf, toListener } from './outbox';

/**
 * PostgreSQL's outbox. SQLite's ledger hands each transfer to `onPosted` inside its own transaction;
 * PostgreSQL's posts in PL/pgSQL, so a trigger queues the id of every transfer posted while an endpoint
 * is enabled (`outbox_queue`, committed with the transfer: drizzle-pg/0006). Before each dispatch round
 * this turns queued transfers into messages and takes them off the queue, in one transaction; several
 * instances drain at once without taking the same rows (SKIP LOCKED). Resolves to the transfers drained.
 */
export async function drainPgOutbox(db: Db, limit = 500): Promise<number> {
	const client = await (db.$client as unknown as pg.Pool).connect();
	try {
		await client.query('BEGIN');
		const { rows } = await client.query<PostedTransfer>(queuedTransfers, [limit]);
		if (rows.length > 0) {
			const tx = drizzle(client) as unknown as Db;
			const listeners = (await listenersQuery(tx)).map(toListener);
			const references = rows.filter(namesPurchase).map((row) => row.reference!);
			const bought =
				references.length > 0
					? await tx.select().from(purchases).where(inArray(purchases.id, references))
					: [];
			const byId = new Map(bought.map((purchase) => [purchase.id, purchase]));
			const messages = rows.flatMap((transfer) =>
				messagesOf(
					listeners,
					transfer,
					namesPurchase(transfer) ? byId.get(transfer.reference!) : undefined
				)
			);
			if (messages.length > 0) await tx.insert(webhookMessages).values(messages);
			await client.query('DELETE FROM outbox_queue WHERE transfer_id = ANY($1)', [
				rows.map((row) => row.transferId)
			]);
		}
		await client.query('COMMIT');
		return rows.length;
	} catch (error) {
		await client.query('ROLLBACK').catch(() => {});
		throw error;
	} finally {
		client.release();
	}
}

// What SQLite's ledger tells onPosted, read back from the rows: the credits available before a transfer
// are those after the account's previous one (prev_id), and a lot the transfer opened gives its category.
const queuedTransfers = `SELECT t.id AS "transferId", t.code, a.user_id AS "userId", t.amount,
	coalesce(p.available_after, 0) AS "availableBefore", t.balance_after AS balance,
	t.available_after AS available, t.hold_id AS "holdId", t.reference, t.reason, t.actor,
	l.category, l.expires_at AS "expiresAt", t.created_at AS "createdAt"
FROM outbox_queue q
JOIN transfers t ON t.id = q.transfer_id
JOIN accounts a ON a.id = t.user_account_id
LEFT JOIN transfers p ON p.id = t.prev_id
LEFT JOIN lots l ON l.transfer_id = t.id
ORDER BY q.transfer_id
LIMIT $1
FOR UPDATE OF q SKIP LOCKED`;
