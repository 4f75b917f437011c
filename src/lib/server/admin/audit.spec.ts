import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db';
import { perform } from '../db/unit';
import { listAudit, recordAudit } from './audit';

let db: Db;
const ada = { id: 'admin_ada', email: 'ada@example.com' };
const bob = { id: 'admin_bob', email: 'bob@example.com' };

beforeEach(() => {
	db = openDatabase(':memory:');
});

describe('the audit log', () => {
	it('lists entries newest first, filtered by actor, action and target, a page at a time', async () => {
		for (let n = 1; n <= 5; n++) {
			await perform(
				db,
				recordAudit(db, n % 2 ? ada : bob, {
					action: n === 5 ? 'deduct' : 'grant',
					outcome: 'ok',
					target: `user:u${n % 2}`,
					amount: n * 10,
					reason: `reason ${n}`
				})
			);
		}
		const first = await listAudit(db, { limit: 2 });
		expect(first.entries.map((entry) => entry.amount)).toEqual([50, 40]);
		const second = await listAudit(db, { limit: 2, before: first.nextBefore! });
		expect(second.entries.map((entry) => entry.amount)).toEqual([30, 20]);
		expect(await listAudit(db, { limit: 2, before: second.nextBefore! })).toMatchObject({
			nextBefore: null
		});

		expect((await listAudit(db, { actorEmail: bob.email })).entries.map((e) => e.amount)).toEqual([
			40, 20
		]);
		expect((await listAudit(db, { action: 'deduct' })).entries).toHaveLength(1);
		expect((await listAudit(db, { target: 'user:u1' })).entries).toHaveLength(3);
	});

	it('refuses to change or remove an entry', async () => {
		await perform(db, recordAudit(db, ada, { action: 'sync', outcome: 'ok' }));
		expect(() => db.$client.exec(`update audit_log set outcome = 'failed'`)).toThrow(/append-only/);
		expect(() => db.$client.exec('delete from audit_log')).toThrow(/append-only/);
		expect((await listAudit(db)).entries).toHaveLength(1);
	});
});
