import { beforeEach, describe, expect, it } from 'vitest';
import { sqliteLedgerFor } from '../app-ledger';
import { openDatabase, type Db } from '../db';
import { purchases, users } from '../db/schema';
import { listAudit } from './audit';
import { reviewMismatch } from './mismatch-review';

let db: Db;
const admin = { id: 'admin_ada', email: 'ada@example.com' };

beforeEach(() => {
	db = openDatabase(':memory:');
	db.insert(users).values({ id: 'ann', email: 'ann@example.com', passwordHash: 'x' }).run();
	db.insert(purchases)
		.values({
			id: 'purchase_1',
			userId: 'ann',
			packageId: 'standard',
			credits: 500,
			amountMinor: 100,
			currency: 'usd',
			status: 'mismatch',
			amountPaidMinor: 3999,
			currencyPaid: 'usd'
		})
		.run();
});

describe('reviewMismatch', () => {
	it('credits the purchase and logs who did it, once', async () => {
		const decision = { decision: 'credit' as const, reason: 'Checked in Stripe' };
		expect(await reviewMismatch(db, admin, 'purchase_1', decision)).toMatchObject({
			ok: true,
			credits: 500
		});
		expect(sqliteLedgerFor(db).balance('ann').balance).toBe(500);
		expect(await reviewMismatch(db, admin, 'purchase_1', decision)).toMatchObject({
			ok: false,
			code: 'not_in_review'
		});
		expect(sqliteLedgerFor(db).balance('ann').balance).toBe(500);

		const { entries } = await listAudit(db);
		expect(
			entries.map(({ action, outcome, target, amount, reason, actorEmail }) => ({
				action,
				outcome,
				target,
				amount,
				reason,
				actorEmail
			}))
		).toEqual([
			{
				action: 'resolve_mismatch',
				outcome: 'refused',
				target: 'purchase:purchase_1',
				amount: null,
				reason: 'Checked in Stripe',
				actorEmail: admin.email
			},
			{
				action: 'resolve_mismatch',
				outcome: 'ok',
				target: 'purchase:purchase_1',
				amount: 500,
				reason: 'Checked in Stripe',
				actorEmail: admin.email
			}
		]);
	});

	it('logs a rejection, and writes nothing for a purchase that does not exist', async () => {
		await reviewMismatch(db, admin, 'purchase_1', { decision: 'reject', reason: 'Wrong amount' });
		expect(
			await reviewMismatch(db, admin, 'nope', { decision: 'credit', reason: 'x' })
		).toMatchObject({
			code: 'purchase_not_found'
		});
		expect((await listAudit(db)).entries).toMatchObject([
			{ outcome: 'ok', detail: 'Rejected; no credits added', target: 'purchase:purchase_1' }
		]);
		expect(sqliteLedgerFor(db).balance('ann').balance).toBe(0);
	});
});
