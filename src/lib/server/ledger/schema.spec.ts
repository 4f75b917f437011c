import { describe, expect, it } from 'vitest';
import { createTestLedger } from './testing/ledger';

function setup() {
	const t = createTestLedger();
	const granted = t.ledger.grant({
		userId: 'ann',
		amount: 10,
		category: 'free',
		actor: 'system',
		idempotencyKey: 'g'
	});
	if (!granted.ok) throw new Error(granted.error.message);
	t.ledger.spend({ userId: 'ann', amount: 4, actor: 'user:ann', idempotencyKey: 's' });
	// A hold records its lots in allocations (a spend from one lot keeps it on the transfer).
	t.ledger.hold({
		userId: 'ann',
		amount: 2,
		expiresAt: t.at(60_000),
		actor: 'user:ann',
		idempotencyKey: 'h'
	});
	return { ...t, sqlite: t.db.$client, granted };
}

describe('ledger tables', () => {
	it('reject UPDATE and DELETE on transfers', () => {
		const { sqlite } = setup();
		expect(() => sqlite.prepare('UPDATE transfers SET amount = 1000 WHERE id = 1').run()).toThrow(
			/immutable/
		);
		expect(() => sqlite.prepare('DELETE FROM transfers WHERE id = 1').run()).toThrow(/immutable/);
		expect(() => sqlite.prepare('DELETE FROM transfers').run()).toThrow(/immutable/);
		expect(sqlite.prepare('SELECT count(*) FROM transfers').pluck().get()).toBe(3);
	});

	it('reject UPDATE and DELETE on allocations', () => {
		const { sqlite } = setup();
		expect(() => sqlite.prepare('UPDATE allocations SET amount = 1').run()).toThrow(/immutable/);
		expect(() => sqlite.prepare('DELETE FROM allocations').run()).toThrow(/immutable/);
	});

	it.each([0, -5])('reject amount %s on transfers, lots, holds and allocations', (amount) => {
		const { sqlite } = setup();
		const transfer = `INSERT INTO transfers (debit_account_id, credit_account_id, user_account_id, amount, code,
			idempotency_key, actor, balance_after, available_after, created_at) VALUES (7, 3, 7, ?, 'spend', 'k', 'a', 0, 0, 0)`;
		expect(() => sqlite.prepare(transfer).run(amount)).toThrow(
			/CHECK constraint failed: transfers_amount_check/
		);
		const lot = `INSERT INTO lots (account_id, transfer_id, category, amount, remaining, created_at) VALUES (7, 2, 'free', ?, 0, 0)`;
		expect(() => sqlite.prepare(lot).run(amount)).toThrow(
			/CHECK constraint failed: lots_amount_check/
		);
		const hold =
			'INSERT INTO holds (account_id, amount, expires_at, created_at) VALUES (7, ?, 1, 0)';
		expect(() => sqlite.prepare(hold).run(amount)).toThrow(
			/CHECK constraint failed: holds_amount_check/
		);
		const allocation = 'INSERT INTO allocations (transfer_id, lot_id, amount) VALUES (1, 1, ?)';
		expect(() => sqlite.prepare(allocation).run(amount)).toThrow(
			/CHECK constraint failed: allocations_amount_check/
		);
	});

	it('keep a lot between zero and its amount', () => {
		const { sqlite, granted } = setup();
		expect(() =>
			sqlite.prepare('UPDATE lots SET remaining = -1 WHERE id = ?').run(granted.lotId)
		).toThrow(/CHECK/);
		expect(() =>
			sqlite.prepare('UPDATE lots SET held = remaining + 1 WHERE id = ?').run(granted.lotId)
		).toThrow(/CHECK/);
	});

	it('enforce unique idempotency keys and known codes', () => {
		const { sqlite } = setup();
		const insert = `INSERT INTO transfers (debit_account_id, credit_account_id, user_account_id, amount, code,
			idempotency_key, actor, balance_after, available_after, created_at) VALUES (7, 3, 7, 1, ?, ?, 'a', 0, 0, 0)`;
		expect(() => sqlite.prepare(insert).run('spend', 's')).toThrow(/UNIQUE/);
		expect(() => sqlite.prepare(insert).run('gift', 'new')).toThrow(/transfers_code_check/);
	});
});
