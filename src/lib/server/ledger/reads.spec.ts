import { eq } from 'drizzle-orm';
import { sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import { joinUserBalances, userBalanceColumns } from './reads';
import { createTestLedger, dayMs } from './testing/ledger';

function setup() {
	const t = createTestLedger();
	const grant = (amount: number, expiresIn: number | null, userId = 'ann') =>
		t.ledger.grant({
			userId,
			amount,
			category: 'free',
			expiresAt: expiresIn === null ? null : t.at(expiresIn),
			actor: 'system',
			idempotencyKey: t.key()
		});
	const spend = (amount: number) =>
		t.ledger.spend({ userId: 'ann', amount, actor: 'user:ann', idempotencyKey: t.key() });
	return { ...t, grant, spend };
}

describe('balance', () => {
	it('sums what is on hold and what expires in the next 30 days', () => {
		const t = setup();
		t.grant(10, 10 * dayMs);
		t.grant(20, 31 * dayMs);
		t.grant(40, null);
		t.ledger.hold({
			userId: 'ann',
			amount: 4,
			expiresAt: t.at(dayMs),
			actor: 'x',
			idempotencyKey: 'h'
		});
		expect(t.ledger.balance('ann')).toEqual({
			balance: 70,
			available: 66,
			onHold: 4,
			expiringSoon: 6,
			debt: 0
		});
		t.advance(2 * dayMs);
		expect(t.ledger.balance('ann')).toEqual({
			balance: 70,
			available: 70,
			onHold: 0,
			expiringSoon: 30,
			debt: 0
		});
	});

	it('never shows expired credits, even before the sweep', () => {
		const t = setup();
		t.grant(10, dayMs);
		t.advance(dayMs);
		expect(t.ledger.balance('ann')).toEqual({
			balance: 0,
			available: 0,
			onHold: 0,
			expiringSoon: 0,
			debt: 0
		});
		expect(t.ledger.balance('nobody')).toEqual({
			balance: 0,
			available: 0,
			onHold: 0,
			expiringSoon: 0,
			debt: 0
		});
	});
});

describe('transfers', () => {
	it('pages newest first with a keyset cursor', () => {
		const t = setup();
		t.grant(100, null);
		for (let i = 0; i < 6; i++) t.spend(1);
		const first = t.ledger.transfers({ userId: 'ann', limit: 4 });
		expect(first.items.map((item) => item.code)).toEqual(['spend', 'spend', 'spend', 'spend']);
		const second = t.ledger.transfers({ userId: 'ann', limit: 4, cursor: first.nextCursor });
		expect(second.items.map((item) => [item.code, item.balanceAfter])).toEqual([
			['spend', 98],
			['spend', 99],
			['grant', 100]
		]);
		expect(second.nextCursor).toBeNull();
		expect(() => t.ledger.transfers({ cursor: 'nope' })).toThrow(RangeError);
	});

	it('filters by code, date range and user', () => {
		const t = setup();
		t.grant(100, null);
		t.advance(dayMs);
		t.spend(1);
		t.grant(5, null, 'bob');
		t.advance(dayMs);
		t.spend(2);
		const between = t.ledger.transfers({ userId: 'ann', from: t.at(-dayMs), to: t.at(0) });
		expect(between.items.map((item) => item.amount)).toEqual([1]);
		expect(t.ledger.transfers({ userId: 'ann', code: ['grant'] }).items).toHaveLength(1);
		expect(t.ledger.transfers({ code: 'grant' }).items).toHaveLength(2);
		expect(t.ledger.transfers({ userId: 'nobody' })).toEqual({
			items: [],
			nextCursor: null,
			newerCursor: null
		});
	});

	it('pages back to newer transfers with the newer cursor, as the older pages were', () => {
		const t = setup();
		t.grant(100, null);
		for (let i = 0; i < 9; i++) t.spend(1);
		t.grant(5, null, 'bob');
		const ids = (page: { items: { id: number }[] }) => page.items.map((item) => item.id);
		const pages = [t.ledger.transfers({ userId: 'ann', limit: 4 })];
		while (pages[pages.length - 1].nextCursor)
			pages.push(
				t.ledger.transfers({ userId: 'ann', limit: 4, cursor: pages[pages.length - 1].nextCursor })
			);
		expect(pages.map(ids)).toEqual([
			[10, 9, 8, 7],
			[6, 5, 4, 3],
			[2, 1]
		]);
		expect(pages.map((page) => page.newerCursor)).toEqual([null, '6', '2']);
		const second = t.ledger.transfers({ userId: 'ann', limit: 4, newerCursor: '2' });
		expect(second).toMatchObject({ nextCursor: '3', newerCursor: '6' });
		expect(ids(second)).toEqual(ids(pages[1]));
		const first = t.ledger.transfers({ userId: 'ann', limit: 4, newerCursor: '6' });
		expect(first).toMatchObject({ nextCursor: '7', newerCursor: null });
		expect(ids(first)).toEqual(ids(pages[0]));
		// Without a user, over every account: bob's grant is the newest.
		expect(ids(t.ledger.transfers({ limit: 2, newerCursor: '9' }))).toEqual([11, 10]);
		expect(t.ledger.transfers({ limit: 2, newerCursor: '9' }).newerCursor).toBeNull();
		expect(() => t.ledger.transfers({ cursor: '3', newerCursor: '7' })).toThrow(RangeError);
	});

	it('pages newer with filters, and from a cursor that is not one of the account’s', () => {
		const t = setup();
		t.grant(100, null);
		t.spend(1);
		t.grant(1, null, 'bob');
		t.grant(2, null);
		t.spend(1);
		t.grant(3, null);
		const codes = (page: { items: { code: string; amount: number }[] }) =>
			page.items.map((item) => `${item.code}${item.amount}`);
		const grants = t.ledger.transfers({ userId: 'ann', code: 'grant', newerCursor: '1' });
		expect(codes(grants)).toEqual(['grant3', 'grant2']);
		expect(grants.newerCursor).toBeNull();
		// Transfer 3 is bob's: ann's pages either side of it are still hers alone.
		expect(codes(t.ledger.transfers({ userId: 'ann', newerCursor: '3' }))).toEqual([
			'grant3',
			'spend1',
			'grant2'
		]);
		expect(codes(t.ledger.transfers({ userId: 'ann', cursor: '3' }))).toEqual([
			'spend1',
			'grant100'
		]);
		expect(t.ledger.transfers({ userId: 'ann', newerCursor: '6' }).items).toEqual([]);
	});

	it('filters by what a reference starts with, or does not', () => {
		const t = setup();
		const granted = (reference: string | undefined) =>
			t.ledger.grant({
				userId: 'ann',
				amount: 1,
				category: 'free',
				reference,
				actor: 'system',
				idempotencyKey: t.key()
			});
		granted('signup:ann');
		granted(undefined);
		granted('signups');
		granted('%signup:');
		const references = (filter: object) =>
			t.ledger.transfers({ userId: 'ann', ...filter }).items.map((item) => item.reference);
		expect(references({ referenceStartsWith: 'signup:' })).toEqual(['signup:ann']);
		expect(references({ referenceNotStartsWith: 'signup:' })).toEqual([
			'%signup:',
			'signups',
			null
		]);
		expect(references({ referenceStartsWith: '%' })).toEqual(['%signup:']);
	});

	it('filters by reference, with or without a user', () => {
		const t = setup();
		const bought = (userId: string, reference: string) =>
			t.ledger.grant({
				userId,
				amount: 7,
				category: 'paid',
				reference,
				actor: 'system',
				idempotencyKey: t.key()
			});
		bought('ann', 'purchase_a');
		bought('bob', 'purchase_b');
		t.grant(3, null);
		expect(t.ledger.transfers({ reference: 'purchase_a' }).items.map((i) => i.reference)).toEqual([
			'purchase_a'
		]);
		expect(t.ledger.transfers({ userId: 'ann', reference: 'purchase_b' }).items).toEqual([]);
	});
});

describe('lots', () => {
	it('lists lots with what remains, and only open ones on request', () => {
		const t = setup();
		t.grant(3, null);
		t.grant(5, 10 * dayMs);
		t.spend(6);
		expect(t.ledger.lots('ann').map((lot) => [lot.amount, lot.remaining, lot.code])).toEqual([
			[3, 2, 'grant'],
			[5, 0, 'grant']
		]);
		expect(t.ledger.lots('ann', { open: true })).toHaveLength(1);
	});
});

describe('holds', () => {
	it("lists the user's holds newest first, and only pending ones on request", () => {
		const t = setup();
		t.grant(10, null);
		t.grant(10, null, 'bob');
		const hold = (userId: string, amount: number) =>
			t.ledger.hold({
				userId,
				amount,
				expiresAt: t.at(dayMs),
				actor: 'x',
				idempotencyKey: t.key()
			});
		const first = hold('ann', 2);
		hold('ann', 3);
		hold('bob', 4);
		if (!first.ok) throw new Error('hold refused');
		t.ledger.release({ holdId: first.holdId, actor: 'x', idempotencyKey: t.key() });
		expect(t.ledger.holds('ann').map((h) => [h.amount, h.status])).toEqual([
			[3, 'pending'],
			[2, 'released']
		]);
		expect(t.ledger.holds('ann', { pending: true }).map((h) => h.amount)).toEqual([3]);
		expect(t.ledger.holds('nobody')).toEqual([]);
	});
});

describe('userBalances', () => {
	it('gives each user its balance, credits on hold and newest transfer time, in one join', () => {
		const t = setup();
		t.grant(10, null);
		t.advance(dayMs);
		t.spend(4);
		t.ledger.hold({
			userId: 'ann',
			amount: 1,
			expiresAt: t.at(dayMs),
			actor: 'x',
			idempotencyKey: t.key()
		});
		t.grant(7, null, 'bob');
		t.db.$client.exec('CREATE TABLE people (id TEXT PRIMARY KEY)');
		t.db.$client.exec("INSERT INTO people VALUES ('ann'), ('bob'), ('cy')");
		const people = sqliteTable('people', { id: text('id').primaryKey() });
		// A dynamic query is changed in place by each join: one per read.
		const row = (id: string) =>
			joinUserBalances(
				t.db
					.select({ id: people.id, ...userBalanceColumns })
					.from(people)
					.$dynamic(),
				people.id
			)
				.where(eq(people.id, id))
				.get();
		expect(row('ann')).toEqual({ id: 'ann', balance: 6, onHold: 1, lastTransferAt: t.clock.now });
		expect(row('bob')).toMatchObject({ balance: 7, onHold: 0 });
		expect(row('cy')).toEqual({ id: 'cy', balance: 0, onHold: 0, lastTransferAt: null });
	});
});

describe('expire', () => {
	it('sweeps due lots of every account, once', () => {
		const t = setup();
		t.grant(10, dayMs);
		t.grant(7, 2 * dayMs, 'bob');
		t.grant(5, null, 'bob');
		t.advance(3 * dayMs);
		expect(t.ledger.expire()).toEqual({ accounts: 2, lots: 2, holds: 0, credits: 17 });
		expect(t.ledger.expire()).toEqual({ accounts: 0, lots: 0, holds: 0, credits: 0 });
		expect(t.ledger.balance('bob').balance).toBe(5);
		expect(t.ledger.verify()).toEqual([]);
	});
});
