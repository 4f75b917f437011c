import { createSession } from '../../src/lib/server/auth/session';
import { openDatabase } from '../../src/lib/server/db/index';
import { perform } from '../../src/lib/server/db/unit';
import { users } from '../../src/lib/server/db/schema';
import { ledger, run, transaction } from '../../src/lib/server/db/unit';

export type Seeded = { userIds: string[]; sessionToken: string };

/**
 * Users with credits enough for every spend of the run, and a session for the first. The users never
 * sign in with a password, so their hash is a placeholder that no password matches.
 */
export async function seed(databaseUrl: string, count: number, credits: number): Promise<Seeded> {
	const db = openDatabase(databaseUrl);
	try {
		const userIds = Array.from({ length: count }, (_, i) => `bench-user-${i}`);
		await transaction(db, function* (tx) {
			for (const id of userIds) {
				yield* run(
					tx.insert(users).values({ id, email: `${id}@bench.invalid`, passwordHash: 'no-password' })
				);
				const granted = yield* ledger((l) =>
					l.grant({
						userId: id,
						amount: credits,
						category: 'paid',
						actor: 'system:bench',
						idempotencyKey: `bench-seed:${id}`
					})
				);
				if (!granted.ok) throw new Error(`seeding ${id}: ${granted.error.message}`);
			}
		});
		return { userIds, sessionToken: (await perform(db, createSession(db, userIds[0]))).token };
	} finally {
		db.$client.close();
	}
}
