import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgTestDatabase, type PgTestDatabase } from '../../db/pg/testing';
import type { AsyncLedger } from '../async';
import type { TransferFilter, TransferPage } from '../index';
import { createTestLedger, dayMs } from '../testing/ledger';
import { createPgLedger } from './index';
import { copyLedger } from './testing';
import { createTwins, type Twins } from './twins';

/**
 * One history written through SQLite's ledger and copied, ids and all, to PostgreSQL: every read must
 * answer the same there, field for field.
 */
function writeHistory() {
	const t = createTestLedger();
	const { ledger } = t;
	const grant = (userId: string, amount: number, category: 'free' | 'paid', expiresIn?: number) =>
		ledger.grant({
			userId,
			amount,
			category,
			expiresAt: expiresIn === undefined ? null : t.at(expiresIn),
			reference: `purchase:${t.key()}`,
			actor: 'system',
			idempotencyKey: t.key()
		});
	const spend = (userId: string, amount: number, reference?: string) =>
		ledger.spend({ userId, amount, reference, actor: `user:${userId}`, idempotencyKey: t.key() });
	grant('ann', 100, 'free');
	grant('ann', 50, 'paid', 60 * dayMs);
	grant('ann', 30, 'free', 90 * dayMs);
	for (let i = 0; i < 12; i++) {
		spend('ann', 3, i % 3 === 0 ? `api:${i}` : undefined);
		if (i % 4 === 0) t.advance(dayMs);
	}
	ledger.rollUp();
	const hold = (amount: number) =>
		ledger.hold({
			userId: 'ann',
			amount,
			expiresAt: t.at(100 * dayMs),
			actor: 'user:ann',
			idempotencyKey: t.key()
		});
	const captured = hold(20);
	const released = hold(5);
	hold(7);
	if (!captured.ok || !released.ok) throw new Error('holds failed');
	ledger.capture({ holdId: captured.holdId, amount: 12, actor: 'x', idempotencyKey: t.key() });
	ledger.release({ holdId: released.holdId, actor: 'x', idempotencyKey: t.key() });
	t.advance(dayMs);
	grant('bob', 10, 'paid', 30 * dayMs);
	spend('bob', 4, 'api:bob');
	ledger.clawback({
		userId: 'bob',
		amount: 9,
		code: 'refund',
		reference: 'refund:1',
		actor: 'system',
		idempotencyKey: t.key()
	});
	ledger.adjust({
		userId: 'ann',
		amount: 2,
		reason: 'correction',
		actor: 'admin:1',
		idempotencyKey: t.key()
	});
	return t;
}

/** Every page of a filter, following nextCursor down, then newerCursor back up from the oldest. */
async function walk(
	read: (filter: TransferFilter) => Promise<TransferPage>,
	filter: TransferFilter
) {
	const pages: TransferPage[] = [await read(filter)];
	while (pages[pages.length - 1].nextCursor)
		pages.push(await read({ ...filter, cursor: pages[pages.length - 1].nextCursor }));
	let newer = pages[pages.length - 1].newerCursor;
	while (newer) {
		const page = await read({ ...filter, newerCursor: newer });
		pages.push(page);
		newer = page.newerCursor;
	}
	return pages;
}

describe('reads on PostgreSQL', () => {
	let database: PgTestDatabase;
	let t: ReturnType<typeof writeHistory>;
	let pg: AsyncLedger;
	beforeAll(async () => {
		t = writeHistory();
		database = await createPgTestDatabase();
		await copyLedger(t.db.$client, database.db);
		pg = createPgLedger(database.db, { now: () => new Date(t.clock.now) });
	});
	afterAll(() => database.drop());

	it('answer balances as SQLite does, debt and unknown users included', async () => {
		for (const userId of ['ann', 'bob', 'nobody'])
			expect(await pg.balance(userId)).toEqual(t.ledger.balance(userId));
		expect((await pg.balance('bob')).debt).toBe(3);
	});

	it.each<[string, TransferFilter]>([
		['all transfers', {}],
		['a user', { userId: 'ann' }],
		['a user by code', { userId: 'ann', code: 'spend' }],
		['codes', { code: ['hold', 'capture', 'release'] }],
		['no codes', { code: [] }],
		['a reference', { reference: 'api:bob' }],
		['a user and a reference', { userId: 'ann', reference: 'api:3' }],
		['a reference prefix', { referenceStartsWith: 'api:' }],
		['a user without a prefix', { userId: 'ann', referenceNotStartsWith: 'purchase:' }],
		['a time range', { from: new Date(Date.UTC(2030, 0, 2)), to: new Date(Date.UTC(2030, 0, 4)) }],
		['an unknown user', { userId: 'nobody' }]
	])('page %s the same both ways, 4 at a time', async (_, filter) => {
		const sqlite = async (query: TransferFilter) => t.ledger.transfers(query);
		const paged = { ...filter, limit: 4 };
		expect(await walk(pg.transfers, paged)).toEqual(await walk(sqlite, paged));
		expect(await pg.transfers(filter)).toEqual(t.ledger.transfers(filter));
	});

	it('page from a cursor that is not one of the user’s transfers', async () => {
		const bobs = t.ledger.transfers({ userId: 'bob' }).items;
		const filter = { userId: 'ann', cursor: String(bobs[0].id), limit: 3 };
		expect(await pg.transfers(filter)).toEqual(t.ledger.transfers(filter));
	});

	it('refuse a malformed cursor, or both cursors, with SQLite’s RangeError', async () => {
		for (const filter of [{ cursor: 'x' }, { cursor: '3', newerCursor: '1' }]) {
			const message = (() => {
				try {
					t.ledger.transfers(filter);
				} catch (error) {
					return (error as Error).message;
				}
			})();
			await expect(pg.transfers(filter)).rejects.toThrow(new RangeError(message));
		}
	});

	it('list lots, open lots, holds and pending holds as SQLite does', async () => {
		for (const userId of ['ann', 'bob', 'nobody']) {
			expect(await pg.lots(userId)).toEqual(t.ledger.lots(userId));
			expect(await pg.lots(userId, { open: true })).toEqual(t.ledger.lots(userId, { open: true }));
			expect(await pg.holds(userId)).toEqual(t.ledger.holds(userId));
			expect(await pg.holds(userId, { pending: true })).toEqual(
				t.ledger.holds(userId, { pending: true })
			);
		}
		expect((await pg.lots('ann'))[0].createdAt).toBeInstanceOf(Date);
	});

	it('find a hold and its user', async () => {
		for (const holdId of [1, 2, 3, 99])
			expect(await pg.findHold(holdId)).toEqual(t.ledger.findHold(holdId));
		expect(await pg.findHold(1)).toMatchObject({ userId: 'ann', status: 'captured' });
	});

	it('sum system totals and daily totals as SQLite does', async () => {
		expect(await pg.systemTotals()).toEqual(t.ledger.systemTotals());
		const filters = [
			{ codes: ['spend', 'grant', 'capture'] as const, from: new Date(Date.UTC(2030, 0, 1)) },
			{
				codes: ['spend'] as const,
				from: new Date(Date.UTC(2030, 0, 2)),
				to: new Date(Date.UTC(2030, 0, 3))
			}
		];
		for (const { codes, ...range } of filters) {
			const filter = { codes: [...codes], ...range };
			expect(await pg.dailyTotals(filter)).toEqual(t.ledger.dailyTotals(filter));
		}
		expect((await pg.dailyTotals({ ...filters[0], codes: ['spend'] })).length).toBeGreaterThan(2);
	});

	it('verify the copied history as sound', async () => {
		expect(await pg.verify()).toEqual([]);
	});
});

describe('reads of a ledger the PostgreSQL functions wrote', () => {
	let twins: Twins;
	beforeAll(async () => {
		twins = await createTwins();
	});
	afterAll(() => twins.drop());

	it('expire what is due before answering a balance, as SQLite does', async () => {
		const { both, at, advance } = twins;
		await both((ledger) =>
			ledger.grant({
				userId: 'ann',
				amount: 10,
				category: 'free',
				expiresAt: at(dayMs),
				actor: 'system',
				idempotencyKey: 'soon'
			})
		);
		await both((ledger) =>
			ledger.grant({
				userId: 'ann',
				amount: 5,
				category: 'paid',
				actor: 'system',
				idempotencyKey: 'paid'
			})
		);
		await both((ledger) =>
			ledger.hold({
				userId: 'ann',
				amount: 3,
				expiresAt: at(dayMs / 2),
				actor: 'user:ann',
				idempotencyKey: 'hold'
			})
		);
		expect(await both((ledger) => ledger.balance('ann'))).toMatchObject({
			balance: 15,
			available: 12,
			expiringSoon: 7
		});
		advance(dayMs);
		expect(await both((ledger) => ledger.balance('ann'))).toEqual({
			balance: 5,
			available: 5,
			onHold: 0,
			expiringSoon: 0,
			debt: 0
		});
		await twins.expectSameState();
		const reads: ((ledger: AsyncLedger) => Promise<unknown>)[] = [
			(ledger) => ledger.transfers({ userId: 'ann', limit: 2 }),
			(ledger) => ledger.lots('ann'),
			(ledger) => ledger.holds('ann'),
			(ledger) => ledger.findHold(1)
		];
		for (const read of reads) await both(read);
		await both((ledger) => ledger.rollUp());
		await both((ledger) => ledger.systemTotals());
		expect(await twins.pg.verify()).toEqual([]);
	});
});
