import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase } from '../db/index';
import { copyMigrations } from '../db/testing/migrations';
import { createLedger } from './index';
import { createTestLedger, dayMs } from './testing/ledger';

function setup() {
	const t = createTestLedger();
	const sqlite = t.db.$client;
	const grant = (amount: number, expiresIn: number | null = null) => {
		const result = t.ledger.grant({
			userId: 'ann',
			amount,
			category: 'free',
			expiresAt: expiresIn === null ? null : t.at(expiresIn),
			actor: 'system',
			idempotencyKey: t.key()
		});
		if (!result.ok) throw new Error(result.error.message);
		return result.lotId;
	};
	const spend = (amount: number) =>
		t.ledger.spend({ userId: 'ann', amount, actor: 'user:ann', idempotencyKey: t.key() });
	const stored = (lotId: number) =>
		sqlite.prepare('SELECT remaining FROM lots WHERE id = ?').pluck().get(lotId);
	const shown = (lotId: number) => t.ledger.lots('ann').find((lot) => lot.id === lotId)?.remaining;
	const systemCounters = (kind: string) =>
		sqlite
			.prepare(
				'SELECT debits_posted AS debits, credits_posted AS credits FROM accounts WHERE kind = ?'
			)
			.get(kind);
	return { ...t, sqlite, grant, spend, stored, shown, systemCounters };
}

describe('spending from the current lot', () => {
	it('writes only the transfer and the account; lots and verify still read true', () => {
		const t = setup();
		const lot = t.grant(10);
		for (let i = 0; i < 3; i++) expect(t.spend(2)).toMatchObject({ ok: true });
		expect(t.stored(lot)).toBe(10);
		expect(t.shown(lot)).toBe(4);
		expect(
			t.sqlite
				.prepare(`SELECT count(*) FROM transfers WHERE code = 'spend' AND lot_id = ?`)
				.pluck()
				.get(lot)
		).toBe(3);
		expect(t.sqlite.prepare('SELECT count(*) FROM allocations').pluck().get()).toBe(0);
		expect(t.ledger.balance('ann')).toMatchObject({ balance: 4, available: 4 });
		expect(t.ledger.verify()).toEqual([]);
	});

	it('writes the lot back before any other operation, so a newer lot that expires sooner is drawn first', () => {
		const t = setup();
		const forever = t.grant(10);
		t.spend(3);
		const soon = t.grant(5, dayMs);
		expect(t.stored(forever)).toBe(7);
		expect(t.spend(4)).toMatchObject({ ok: true, balance: 8 });
		expect([t.shown(soon), t.shown(forever)]).toEqual([1, 7]);
		expect(t.spend(2)).toMatchObject({ ok: true, balance: 6 });
		expect([t.shown(soon), t.shown(forever)]).toEqual([0, 6]);
		expect(t.ledger.verify()).toEqual([]);
	});

	it('holds, expiry and clawbacks see the credits spends drew', () => {
		const t = setup();
		const lot = t.grant(10, 2 * dayMs);
		t.spend(6);
		const hold = t.ledger.hold({
			userId: 'ann',
			amount: 5,
			expiresAt: t.at(dayMs),
			actor: 'x',
			idempotencyKey: 'h'
		});
		expect(hold).toMatchObject({ ok: false, error: { code: 'insufficient_credits' } });
		t.spend(1);
		t.advance(3 * dayMs);
		expect(t.ledger.expire()).toMatchObject({ lots: 1, credits: 3 });
		expect(t.shown(lot)).toBe(0);
		expect(t.ledger.verify()).toEqual([]);
	});
});

describe('rollUp', () => {
	it('brings the system accounts up to the newest transfer; verify holds before and after', () => {
		const t = setup();
		t.grant(10);
		t.spend(3);
		t.spend(2);
		expect(t.systemCounters('spent')).toEqual({ debits: 0, credits: 0 });
		expect(t.ledger.verify()).toEqual([]);
		expect(t.ledger.rollUp()).toEqual({ after: 0, through: 3 });
		expect(t.systemCounters('spent')).toEqual({ debits: 0, credits: 5 });
		expect(t.systemCounters('issued_grant')).toEqual({ debits: 10, credits: 0 });
		expect(t.ledger.rollUp()).toEqual({ after: 3, through: 3 });
		t.spend(1);
		expect(t.ledger.rollUp()).toEqual({ after: 3, through: 4 });
		expect(t.systemCounters('spent')).toEqual({ debits: 0, credits: 6 });
		expect(t.ledger.verify()).toEqual([]);
	});

	it('is what verify checks the system counters against', () => {
		const t = setup();
		t.grant(10);
		t.ledger.rollUp();
		t.sqlite.prepare(`UPDATE accounts SET debits_posted = 11 WHERE kind = 'issued_grant'`).run();
		expect(t.ledger.verify()).toEqual([
			'counters: account 2 (issued_grant) counters 11/0/0/0 (debits/credits posted, debits/credits pending) but its transfers sum to 10/0/0/0',
			'zero_sum: accounts do not sum to zero: posted -1, pending 0'
		]);
	});
});

describe('history', () => {
	it('pages newest first through the account chain, with filters, even from another account’s cursor', () => {
		const t = setup();
		t.grant(20);
		t.ledger.grant({
			userId: 'bob',
			amount: 5,
			category: 'paid',
			actor: 's',
			idempotencyKey: 'bob'
		});
		for (let i = 0; i < 4; i++) t.spend(1);
		const ids = (page: { items: { id: number }[] }) => page.items.map((item) => item.id);
		const first = t.ledger.transfers({ userId: 'ann', limit: 3 });
		expect(ids(first)).toEqual([6, 5, 4]);
		expect(ids(t.ledger.transfers({ userId: 'ann', cursor: first.nextCursor }))).toEqual([3, 1]);
		expect(ids(t.ledger.transfers({ userId: 'ann', code: 'grant' }))).toEqual([1]);
		expect(ids(t.ledger.transfers({ userId: 'ann', cursor: '2' }))).toEqual([1]);
		expect(ids(t.ledger.transfers({ userId: 'bob' }))).toEqual([2]);
	});

	it('reports a broken chain', () => {
		const t = setup();
		t.grant(5);
		t.spend(1);
		t.sqlite.exec(
			'DROP TRIGGER transfers_no_update; UPDATE transfers SET prev_id = NULL WHERE id = 2'
		);
		expect(t.ledger.verify()).toContain(
			"history_chain: transfer 2 links to nothing, but the account's previous transfer is 1"
		);
	});
});

describe('migrations 0002 and 0003 on a database with history', () => {
	const dir = mkdtempSync(join(tmpdir(), 'ledger-migration-'));
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it('links existing transfers into chains and rolls the system accounts up to them', () => {
		const folder = copyMigrations(dir, (entries) => entries.slice(0, 2));
		const db = openDatabase(join(dir, 'old.db'), { migrate: false });
		migrateDatabase(db, folder);
		// Writes as the ledger before 0002 did: transfers indexed by account, both accounts' counters moved.
		const sqlite = db.$client;
		const transfer =
			sqlite.prepare(`INSERT INTO transfers (debit_account_id, credit_account_id, user_account_id, amount,
			code, idempotency_key, actor, balance_after, available_after, created_at) VALUES (?, ?, ?, ?, ?, ?, 's', ?, ?, 0)`);
		sqlite.exec(
			`INSERT INTO accounts (id, kind, user_id, created_at) VALUES (7, 'user', 'ann', 0), (8, 'user', 'bob', 0)`
		);
		transfer.run(2, 7, 7, 10, 'grant', 'g1', 10, 10);
		transfer.run(2, 8, 8, 4, 'grant', 'g2', 4, 4);
		transfer.run(7, 3, 7, 3, 'spend', 's1', 7, 7);
		sqlite.exec(`INSERT INTO lots (account_id, transfer_id, category, amount, remaining, created_at)
			VALUES (7, 1, 'free', 10, 7, 0), (8, 2, 'free', 4, 4, 0);
			INSERT INTO allocations (transfer_id, lot_id, amount) VALUES (3, 1, 3);
			UPDATE accounts SET credits_posted = 10, debits_posted = 3 WHERE id = 7;
			UPDATE accounts SET credits_posted = 4 WHERE id = 8;
			UPDATE accounts SET debits_posted = 14 WHERE id = 2;
			UPDATE accounts SET credits_posted = 3 WHERE id = 3;`);

		migrateDatabase(db);
		// 0003 rebuilt `transfers`: its rows, references, triggers and the foreign-key setting survive.
		expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
		expect(
			sqlite.prepare("SELECT sql FROM sqlite_schema WHERE name = 'transfers'").pluck().get()
		).toContain("code = 'spend' OR");
		expect(() => sqlite.prepare('DELETE FROM transfers WHERE id = 1').run()).toThrow(/immutable/);
		const allocation = sqlite.prepare(
			'INSERT INTO allocations (transfer_id, lot_id, amount) VALUES (?, 1, 1)'
		);
		expect(() => allocation.run(99)).toThrow(/FOREIGN KEY/);
		const ledger = createLedger(db);
		expect(ledger.verify()).toEqual([]);
		expect(ledger.transfers({ userId: 'ann' }).items.map((item) => item.id)).toEqual([3, 1]);
		expect(
			ledger.spend({ userId: 'ann', amount: 2, actor: 's', idempotencyKey: 's2' })
		).toMatchObject({ ok: true, balance: 5 });
		expect(ledger.verify()).toEqual([]);
		db.$client.close();
	});
});
