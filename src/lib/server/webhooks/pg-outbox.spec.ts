import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getLedgerFor } from '../app-ledger';
import { closeDatabase, openDatabase, type Db } from '../db';
import { asAppDb, createPgTestDatabase, type PgTestDatabase } from '../db/pg/testing';
import { webhookMessages } from '../db/schema';
import { createEndpoint } from './endpoints';
import { drainPgOutbox } from './pg-outbox';

const admin = { id: 'admin_1', email: 'admin@example.com' };

/** The same story on a backend: a transfer before any endpoint, then grants and spends after one. */
async function story(db: Db) {
	const ledger = getLedgerFor(db);
	const base = { actor: 'test', reason: 'story' };
	await ledger.grant({
		...base,
		userId: 'ann',
		amount: 5,
		category: 'free',
		idempotencyKey: 'early'
	});
	await createEndpoint(db, admin, {
		url: 'https://app.example.com/hooks',
		description: '',
		eventTypes: ['credits.granted', 'balance.low'],
		lowBalanceThreshold: 50
	});
	const expiresAt = new Date(Date.UTC(2040, 0, 1));
	await ledger.grant({
		...base,
		userId: 'ann',
		amount: 100,
		category: 'paid',
		expiresAt,
		idempotencyKey: 'g1'
	});
	await ledger.spend({ ...base, userId: 'ann', amount: 60, idempotencyKey: 's1' });
	await ledger.spend({ ...base, userId: 'ann', amount: 10, idempotencyKey: 's2' });
	const held = await ledger.hold({
		...base,
		userId: 'ann',
		amount: 20,
		expiresAt: new Date(Date.now() + 60_000),
		idempotencyKey: 'h1'
	});
	expect(held.ok).toBe(true);
}

/** Every message as a receiver tells them apart: event, data (the timestamp is the transfer's clock). */
async function messages(db: Db) {
	const rows = await db.select().from(webhookMessages);
	return rows
		.map((row) => {
			const { type, data } = JSON.parse(row.payload) as {
				type: string;
				data: { transfer_id: number };
			};
			return { eventType: row.eventType, status: row.status, attempts: row.attempts, type, data };
		})
		.sort((a, b) => a.data.transfer_id - b.data.transfer_id || a.type.localeCompare(b.type));
}

describe('the PostgreSQL outbox', () => {
	let pg: PgTestDatabase;
	let sqlite: Db;
	beforeAll(async () => {
		pg = await createPgTestDatabase();
		sqlite = openDatabase(':memory:');
	});
	afterAll(async () => {
		await pg.drop();
		await closeDatabase(sqlite);
	});

	it('turns queued transfers into the messages SQLite writes for the same story, once', async () => {
		const db = asAppDb(pg.db);
		await story(sqlite);
		await story(db);
		expect(await messages(db)).toEqual([]);
		expect(await drainPgOutbox(db)).toBe(4);
		const expected = await messages(sqlite);
		expect(expected.map((message) => message.type)).toEqual(['credits.granted', 'balance.low']);
		expect(await messages(db)).toEqual(expected);
		expect(await drainPgOutbox(db)).toBe(0);
		expect(await messages(db)).toEqual(expected);
	});

	it('lets two drains at once take each queued transfer once', async () => {
		const db = asAppDb(pg.db);
		const ledger = getLedgerFor(db);
		for (let i = 0; i < 40; i++) {
			await ledger.grant({
				userId: `bee${i}`,
				amount: 10,
				category: 'free',
				actor: 'test',
				idempotencyKey: `race-${i}`
			});
		}
		const before = (await messages(db)).length;
		const drained = await Promise.all([
			drainPgOutbox(db, 7),
			drainPgOutbox(db, 7),
			drainPgOutbox(db)
		]);
		const rest = await drainPgOutbox(db);
		expect(drained.reduce((sum, n) => sum + n, 0) + rest).toBe(40);
		expect((await messages(db)).length - before).toBe(40);
	});
});
