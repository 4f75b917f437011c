import { describe, expect, it } from 'vitest';
import { createTestLedger } from './testing/ledger';

function setup() {
	const t = createTestLedger();
	t.ledger.grant({
		userId: 'ann',
		amount: 100,
		category: 'paid',
		actor: 'system',
		idempotencyKey: 'grant-1'
	});
	const spend = {
		userId: 'ann',
		amount: 30,
		reason: 'export',
		actor: 'user:ann',
		idempotencyKey: 'spend-1'
	};
	return { ...t, spend };
}

describe('idempotency', () => {
	it('returns the original result for the same key and parameters, with no second effect', () => {
		const t = setup();
		const first = t.ledger.spend(t.spend);
		const again = t.ledger.spend({ ...t.spend });
		expect(first).toMatchObject({ ok: true, balance: 70, replayed: false });
		expect(again).toEqual({ ...first, replayed: true });
		expect(t.ledger.balance('ann').balance).toBe(70);
		expect(t.ledger.transfers({ userId: 'ann', code: 'spend' }).items).toHaveLength(1);
	});

	it('replays even when the original would now fail', () => {
		const t = setup();
		const first = t.ledger.spend({ ...t.spend, amount: 100 });
		expect(t.ledger.spend({ ...t.spend, amount: 100 })).toEqual({ ...first, replayed: true });
	});

	it.each([
		['amount', { amount: 31 }],
		['user', { userId: 'bob' }],
		['reason', { reason: 'import' }],
		['reference', { reference: 'job-7' }],
		['actor', { actor: 'api_key:ci' }]
	])('answers idempotency_conflict when the %s differs', (_, change) => {
		const t = setup();
		t.ledger.spend(t.spend);
		expect(t.ledger.spend({ ...t.spend, ...change })).toMatchObject({
			ok: false,
			error: { code: 'idempotency_conflict' }
		});
		expect(t.ledger.balance('ann').balance).toBe(70);
	});

	it('treats the same key on another operation as a conflict', () => {
		const t = setup();
		t.ledger.spend(t.spend);
		const hold = {
			userId: 'ann',
			amount: 30,
			expiresAt: t.at(60_000),
			actor: 'user:ann',
			idempotencyKey: 'spend-1'
		};
		expect(t.ledger.hold(hold)).toMatchObject({
			ok: false,
			error: { code: 'idempotency_conflict' }
		});
	});

	it('treats a spend with the key of another operation as a conflict', () => {
		const t = setup();
		// The grant's own user, amount and actor: only the operation differs.
		const spend = { userId: 'ann', amount: 100, actor: 'system', idempotencyKey: 'grant-1' };
		expect(t.ledger.spend(spend)).toMatchObject({
			ok: false,
			error: { code: 'idempotency_conflict' }
		});
		expect(t.ledger.balance('ann').balance).toBe(100);
	});

	it('does not remember failures: a retry after a top-up succeeds', () => {
		const t = setup();
		const big = { ...t.spend, amount: 150 };
		expect(t.ledger.spend(big)).toMatchObject({
			ok: false,
			error: { code: 'insufficient_credits' }
		});
		t.ledger.grant({
			userId: 'ann',
			amount: 50,
			category: 'free',
			actor: 'system',
			idempotencyKey: 'grant-2'
		});
		expect(t.ledger.spend(big)).toMatchObject({ ok: true, balance: 0 });
	});

	it('replays grants, holds and captures with their ids', () => {
		const t = setup();
		const grant = {
			userId: 'bob',
			amount: 10,
			category: 'free' as const,
			actor: 'system',
			idempotencyKey: 'g'
		};
		const granted = t.ledger.grant(grant);
		expect(t.ledger.grant(grant)).toEqual({ ...granted, replayed: true });
		const hold = {
			userId: 'bob',
			amount: 8,
			expiresAt: t.at(60_000),
			actor: 'user:bob',
			idempotencyKey: 'h'
		};
		const held = t.ledger.hold(hold);
		expect(t.ledger.hold(hold)).toEqual({ ...held, replayed: true });
		const capture = {
			holdId: held.ok ? held.holdId : 0,
			amount: 5,
			actor: 'user:bob',
			idempotencyKey: 'c'
		};
		const captured = t.ledger.capture(capture);
		expect(captured).toMatchObject({
			ok: true,
			captured: 5,
			released: 3,
			balance: 5,
			available: 5
		});
		expect(t.ledger.capture(capture)).toEqual({ ...captured, replayed: true });
		expect(t.ledger.verify()).toEqual([]);
	});

	it.each(['', 'ledger:expire:lot:1:5', 'x'.repeat(256)])(
		'rejects the key "%s" with invalid_request',
		(key) => {
			const t = setup();
			expect(t.ledger.spend({ ...t.spend, idempotencyKey: key })).toMatchObject({
				ok: false,
				error: { code: 'invalid_request' }
			});
		}
	);
});
