import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db';
import { purchases, users, type PurchaseStatus } from '../db/schema';
import { listPurchases } from './purchases';

let db: Db;
const day = 24 * 60 * 60 * 1000;
const start = Date.UTC(2026, 0, 10);

beforeEach(() => {
	db = openDatabase(':memory:');
	db.insert(users)
		.values([
			{ id: 'ann', email: 'ann@example.com', passwordHash: 'x' },
			{ id: 'bob', email: 'bob@example.com', passwordHash: 'x' }
		])
		.run();
	const rows: [string, string, string, PurchaseStatus, number][] = [
		['p1', 'ann', 'starter', 'paid', 0],
		['p2', 'bob', 'standard', 'disputed', 1],
		['p3', 'ann', 'standard', 'mismatch', 2],
		['p4', 'ann', 'standard', 'paid', 2],
		['p5', 'bob', 'starter', 'refunded', 3]
	];
	db.insert(purchases)
		.values(
			rows.map(([id, userId, packageId, status, days]) => ({
				id,
				userId,
				packageId,
				status,
				credits: 100,
				amountMinor: 999,
				currency: 'usd',
				createdAt: new Date(start + days * day)
			}))
		)
		.run();
});

const ids = (page: Awaited<ReturnType<typeof listPurchases>>) => page.items.map((row) => row.id);

describe('listing purchases for admins', () => {
	it('pages newest first, ties on the same instant broken by id, without skipping or repeating', async () => {
		const seen: string[] = [];
		let before: string | undefined;
		do {
			const page = await listPurchases(db, { limit: 2, before });
			seen.push(...ids(page));
			before = page.nextCursor ?? undefined;
		} while (before);
		expect(seen).toEqual(['p5', 'p4', 'p3', 'p2', 'p1']);
	});

	it('filters by status, package, buyer email (any case) and date range', async () => {
		expect(ids(await listPurchases(db, { status: 'paid' }))).toEqual(['p4', 'p1']);
		expect(ids(await listPurchases(db, { packageId: 'starter' }))).toEqual(['p5', 'p1']);
		expect(ids(await listPurchases(db, { email: 'BOB@example.com' }))).toEqual(['p5', 'p2']);
		const from = new Date(start + day);
		const to = new Date(start + 3 * day);
		expect(ids(await listPurchases(db, { from, to }))).toEqual(['p4', 'p3', 'p2']);
	});

	it('starts over on a cursor it did not write', async () => {
		expect(ids(await listPurchases(db, { before: 'not-a-cursor' }))).toHaveLength(5);
	});
});
