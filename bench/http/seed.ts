import { createLedger } from '../../src/lib/server/ledger/index';
import { createSession } from '../../src/lib/server/auth/session';
import { openDatabase } from '../../src/lib/server/db/index';
import { users } from '../../src/lib/server/db/schema';

export type Seeded = { userIds: string[]; sessionToken: string };

/**
 * Users with credits enough for every spend of the run, and a session for the first. The users never
 * sign in with a password, so their hash is a placeholder that no password matches.
 */
export function seed(databaseUrl: string, count: number, credits: number): Seeded {
	const db = openDatabase(databaseUrl);
	try {
		const userIds = Array.from({ length: count }, (_, i) => `bench-user-${i}`);
		const ledger = createLedger(db);
		db.$client.transaction(() => {
			for (const id of userIds) {
				db.insert(users)
					.values({ id, email: `${id}@bench.invalid`, passwordHash: 'no-password' })
					.run();
				const granted = ledger.grant({
					userId: id,
					amount: credits,
					category: 'paid',
					actor: 'system:bench',
					idempotencyKey: `bench-seed:${id}`
				});
				if (!granted.ok) throw new Error(`seeding ${id}: ${granted.error.message}`);
			}
		})();
		return { userIds, sessionToken: createSession(db, userIds[0]).token };
	} finally {
		db.$client.close();
	}
}
