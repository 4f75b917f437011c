import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getLedgerFor } from '../app-ledger';
import { closeDatabase, openDatabase, type Db } from './index';
import { createPgTestDatabase } from './pg/testing';
import { users } from './schema';
import { all, first, ledger, perform, run, stepAfterFailure, transaction, type Unit } from './unit';

type Backend = { db: Db; close: () => Promise<void> };

const backends: { name: string; open: () => Promise<Backend> }[] = [
	{
		name: 'SQLite',
		async open() {
			const db = openDatabase(':memory:');
			return { db, close: () => closeDatabase(db) };
		}
	},
	{
		name: 'PostgreSQL',
		async open() {
			const database = await createPgTestDatabase();
			return { db: database.db as unknown as Db, close: () => database.drop() };
		}
	}
];

let ids = 0;

function* addUser(tx: Db, id: string): Unit<number> {
	return yield* run(
		tx
			.insert(users)
			.values({ id, email: `${id}@example.com`, passwordHash: 'x' })
			.onConflictDoNothing()
	);
}

function* grant(tx: Db, userId: string, amount: number) {
	return yield* ledger((l) =>
		l.grant({
			userId,
			amount,
			category: 'free',
			reason: 'test',
			actor: 'test',
			idempotencyKey: `unit-test:${userId}:${amount}`
		})
	);
}

async function userCount(db: Db, id: string) {
	const [row] = await db.select({ n: count() }).from(users).where(eq(users.id, id));
	return row.n;
}

describe.each(backends)('units of work on $name', ({ open }) => {
	let backend: Backend;
	beforeAll(async () => {
		backend = await open();
	});
	afterAll(() => backend.close());

	it('commits every step together, the ledger operation included', async () => {
		const { db } = backend;
		const id = `unit_${++ids}`;
		const result = await transaction(db, function* (tx) {
			const added = yield* addUser(tx, id);
			const granted = yield* grant(tx, id, 7);
			const row = yield* first(
				tx.select({ email: users.email }).from(users).where(eq(users.id, id))
			);
			return { added, granted: granted.ok, email: row?.email };
		});
		expect(result).toEqual({ added: 1, granted: true, email: `${id}@example.com` });
		expect(await userCount(db, id)).toBe(1);
		expect(await getLedgerFor(db).balance(id)).toMatchObject({ balance: 7 });
	});

	it('writes nothing when the unit throws, not even the ledger operation before the throw', async () => {
		const { db } = backend;
		const id = `unit_${++ids}`;
		await perform(db, addUser(db, id));
		await expect(
			transaction(db, function* (tx) {
				yield* grant(tx, id, 5);
				yield* run(tx.update(users).set({ role: 'admin' }).where(eq(users.id, id)));
				throw new Error('changed my mind');
			})
		).rejects.toThrow('changed my mind');
		expect(await getLedgerFor(db).balance(id)).toMatchObject({ balance: 0 });
		const [user] = await db.select({ role: users.role }).from(users).where(eq(users.id, id));
		expect(user.role).toBe('user');
	});

	it('rolls back when a statement fails, and refuses a step after the failure', async () => {
		const { db } = backend;
		const id = `unit_${++ids}`;
		await perform(db, addUser(db, id));
		const outcome = transaction(db, function* (tx) {
			yield* grant(tx, id, 3);
			try {
				yield* run(tx.insert(users).values({ id, email: 'dup@example.com', passwordHash: 'x' }));
			} catch {
				yield* all(tx.select().from(users));
			}
		});
		await expect(outcome).rejects.toThrow(stepAfterFailure);
		expect(await getLedgerFor(db).balance(id)).toMatchObject({ balance: 0 });
	});

	it('runs units side by side without one seeing or undoing the other', async () => {
		const { db } = backend;
		const names = Array.from({ length: 6 }, () => `unit_${++ids}`);
		const results = await Promise.allSettled(
			names.map((id, i) =>
				transaction(db, function* (tx) {
					yield* addUser(tx, id);
					yield* grant(tx, id, 10 + i);
					if (i % 2 === 1) throw new Error(`unit ${i} fails`);
				})
			)
		);
		expect(results.map((result) => result.status)).toEqual([
			'fulfilled',
			'rejected',
			'fulfilled',
			'rejected',
			'fulfilled',
			'rejected'
		]);
		for (const [i, id] of names.entries()) {
			expect(await userCount(db, id)).toBe(i % 2 === 0 ? 1 : 0);
		}
	});
});
