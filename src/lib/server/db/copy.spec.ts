import { afterEach, describe, expect, it } from 'vitest';
import { createLedger } from '../ledger/index';
import { copySqliteToPostgres, CopyRefused } from './copy';
import { openDatabase } from './index';
import { asAppDb, createPgTestDatabase, rowsOf } from './pg/testing';
import * as schema from './schema';

const dropped: (() => Promise<void>)[] = [];
afterEach(async () => {
	for (const drop of dropped.splice(0)) await drop();
});

async function emptyPostgres() {
	const database = await createPgTestDatabase();
	dropped.push(database.drop);
	return database.db;
}

/** A SQLite database with a row in every kind of table, and a ledger mid-way (a current lot, a hold). */
function populatedSqlite() {
	const db = openDatabase(':memory:');
	const at = new Date('2030-01-02T03:04:05.678Z');
	db.insert(schema.users)
		.values([
			{ id: 'u1', email: 'ann@example.com', passwordHash: 'h1', role: 'admin', createdAt: at },
			{ id: 'u2', email: 'bob@example.com', passwordHash: 'h2', stripeCustomerId: 'cus_1' }
		])
		.run();
	db.insert(schema.sessions)
		.values({
			id: 's1',
			userId: 'u1',
			secretHash: Buffer.from([0, 1, 254, 255]),
			expiresAt: at,
			lastVerifiedAt: at
		})
		.run();
	db.insert(schema.purchases)
		.values({
			id: 'p1',
			userId: 'u2',
			packageId: 'basic',
			credits: 100,
			amountMinor: 999,
			currency: 'usd',
			status: 'paid',
			checkoutSessionId: 'cs_1',
			paidAt: at
		})
		.run();
	db.insert(schema.webhookEndpoints)
		.values({
			id: 'we_1',
			url: 'https://host.example/hook',
			eventTypes: ['credits.granted', 'balance.low'],
			secret: 'whsec_x',
			enabled: false
		})
		.run();
	db.insert(schema.auditLog)
		.values({ actorId: 'u1', actorEmail: 'ann@example.com', action: 'grant', outcome: 'ok' })
		.run();
	const ledger = createLedger(db, { now: () => new Date('2030-01-01T00:00:00Z') });
	const base = { actor: 'system', category: 'paid' as const };
	ledger.grant({ ...base, userId: 'u2', amount: 100, idempotencyKey: 'g1', reference: 'p1' });
	ledger.grant({
		...base,
		userId: 'u2',
		amount: 50,
		category: 'free',
		expiresAt: new Date('2030-02-01T00:00:00Z'),
		idempotencyKey: 'g2'
	});
	ledger.rollUp();
	ledger.spend({ userId: 'u2', amount: 7, actor: 'app', idempotencyKey: 's1' });
	ledger.spend({ userId: 'u2', amount: 5, actor: 'app', idempotencyKey: 's2' });
	ledger.hold({
		userId: 'u2',
		amount: 20,
		expiresAt: new Date('2030-01-05T00:00:00Z'),
		actor: 'app',
		idempotencyKey: 'h1'
	});
	ledger.spend({ userId: 'u2', amount: 3, actor: 'app', idempotencyKey: 's3' });
	return db;
}

const lotsNow = `SELECT id, remaining, held FROM lots_now ORDER BY id`;

// Lots and accounts differ on purpose: the copy writes the current lot back into its lot.
const copiedAsTheyAre = [
	schema.users,
	schema.sessions,
	schema.purchases,
	schema.webhookEndpoints,
	schema.auditLog,
	schema.holds,
	schema.transfers,
	schema.allocations
];

describe('db:copy (SQLite → PostgreSQL)', () => {
	it('copies every row of every table, each value as SQLite stores it', async () => {
		const source = populatedSqlite();
		const target = await emptyPostgres();
		const summary = await copySqliteToPostgres(source, target);
		for (const { table, rows } of summary) {
			const sqliteRows = source.$client.prepare(`SELECT count(*) FROM ${table}`).pluck().get();
			const { rows: pgRows } = await target.$client.query(`SELECT count(*) AS n FROM ${table}`);
			expect(pgRows[0].n, table).toBe(sqliteRows);
			if (table !== 'accounts') expect(rows, table).toBe(sqliteRows);
		}
		for (const table of copiedAsTheyAre) {
			expect(await rowsOf(asAppDb(target), table)).toEqual(await rowsOf(source, table));
		}
		const [session] = await asAppDb(target).select().from(schema.sessions);
		expect(session.secretHash).toEqual(Buffer.from([0, 1, 254, 255]));
		expect(session.expiresAt.toISOString()).toBe('2030-01-02T03:04:05.678Z');
		const [endpoint] = await asAppDb(target).select().from(schema.webhookEndpoints);
		expect(endpoint).toMatchObject({
			enabled: false,
			eventTypes: ['credits.granted', 'balance.low']
		});
		const { rows: stored } = await target.$client.query(
			`SELECT u.created_at, e.enabled, e.event_types FROM users u, webhook_endpoints e WHERE u.id = 'u1'`
		);
		expect(stored).toEqual([
			{
				created_at: Date.parse('2030-01-02T03:04:05.678Z'),
				enabled: 0,
				event_types: '["credits.granted","balance.low"]'
			}
		]);
		const transfers = await target.$client.query(
			'SELECT idempotency_key, balance_after, created_at FROM transfers ORDER BY id'
		);
		expect(transfers.rows.map((row) => row.idempotency_key)).toEqual([
			'g1',
			'g2',
			's1',
			's2',
			'h1',
			's3'
		]);
		expect(transfers.rows[0].created_at).toBe(Date.parse('2030-01-01T00:00:00Z'));
	});

	it('writes the current lot back into its lot, so the lots read the same', async () => {
		const source = populatedSqlite();
		const current = source.$client
			.prepare('SELECT current_lot_drawn FROM accounts WHERE user_id = ?')
			.pluck()
			.get('u2');
		expect(current).toBeGreaterThan(0);
		const target = await emptyPostgres();
		await copySqliteToPostgres(source, target);
		const { rows } = await target.$client.query(lotsNow);
		expect(rows).toEqual(source.$client.prepare(lotsNow).all());
		const { rows: accounts } = await target.$client.query(
			'SELECT count(*) AS n FROM accounts WHERE current_lot_id IS NOT NULL OR current_lot_drawn <> 0'
		);
		expect(accounts[0].n).toBe(0);
	});

	it('queues for roll-up exactly the transfers SQLite had not rolled up', async () => {
		const source = populatedSqlite();
		const target = await emptyPostgres();
		await copySqliteToPostgres(source, target);
		const { rows } = await target.$client.query(
			'SELECT t.idempotency_key FROM rollup_queue q JOIN transfers t ON t.id = q.transfer_id ORDER BY t.id'
		);
		expect(rows.map((row) => row.idempotency_key)).toEqual(['s1', 's2', 'h1', 's3']);
		const system = source.$client
			.prepare('SELECT id, credits_posted FROM accounts WHERE user_id IS NULL ORDER BY id')
			.all();
		const { rows: copied } = await target.$client.query(
			'SELECT id, credits_posted FROM accounts WHERE user_id IS NULL ORDER BY id'
		);
		expect(copied).toEqual(system);
	});

	it('continues every generated id after the copied ones', async () => {
		const source = populatedSqlite();
		const target = await emptyPostgres();
		await copySqliteToPostgres(source, target);
		const [entry] = await asAppDb(target)
			.insert(schema.auditLog)
			.values({ actorId: 'u1', actorEmail: 'ann@example.com', action: 'deduct', outcome: 'ok' })
			.returning();
		expect(entry.id).toBe(2);
	});

	it('refuses a database that is not empty, and writes nothing', async () => {
		const target = await emptyPostgres();
		await copySqliteToPostgres(populatedSqlite(), target);
		const before = await target.$client.query('SELECT count(*) AS n FROM users');
		const other = openDatabase(':memory:');
		other
			.insert(schema.users)
			.values({ id: 'u9', email: 'cy@example.com', passwordHash: 'h' })
			.run();
		await expect(copySqliteToPostgres(other, target)).rejects.toThrow(CopyRefused);
		await expect(copySqliteToPostgres(other, target)).rejects.toThrow(
			'the PostgreSQL database is not empty: users has rows'
		);
		const after = await target.$client.query('SELECT count(*) AS n FROM users');
		expect(after.rows[0].n).toBe(before.rows[0].n);
	});
});
