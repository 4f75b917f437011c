import { getLedgerFor } from '../../app-ledger';
import { openDatabase } from '../../db';
import { users } from '../../db/schema';

/** A fresh database with users that each hold `credits` free credits. */
export async function apiTestDb(userIds: string[], credits = 100) {
	const db = openDatabase(':memory:');
	for (const id of userIds) {
		await db.insert(users).values({ id, email: `${id}@example.com`, passwordHash: 'x' });
		await getLedgerFor(db).grant({
			userId: id,
			amount: credits,
			category: 'free',
			actor: 'system',
			idempotencyKey: `seed:${id}`
		});
	}
	return db;
}
