import { describe, expect, it } from 'vitest';
import { createTestLedger } from './testing/ledger';

function setup() {
	const t = createTestLedger();
	const purchase = (id: string, amount: number) =>
		t.ledger.grant({
			userId: 'ann',
			amount,
			category: 'paid',
			code: 'purchase',
			reference: id,
			actor: 'system:stripe',
			idempotencyKey: `purchase:${id}`
		});
	const refund = (purchaseId: string, amount: number) =>
		t.ledger.clawback({
			userId: 'ann',
			amount,
			code: 'refund',
			fromLotReference: purchaseId,
			actor: 'system:stripe',
			reference: purchaseId,
			idempotencyKey: t.key()
		});
	const spend = (amount: number) =>
		t.ledger.spend({ userId: 'ann', amount, actor: 'user:ann', idempotencyKey: t.key() });
	const lotOf = (reference: string) =>
		t.ledger.lots('ann').find((lot) => lot.reference === reference)!;
	return { ...t, purchase, refund, spend, lotOf };
}

describe('clawback', () => {
	it('takes from the lot opened by the reference first', () => {
		const t = setup();
		t.purchase('p1', 50);
		t.purchase('p2', 50);
		expect(t.refund('p2', 30)).toMatchObject({ ok: true, balance: 70, available: 70, debt: 0 });
		expect(t.lotOf('p1').remaining).toBe(50);
		expect(t.lotOf('p2').remaining).toBe(20);
	});

	it('takes from other lots once that lot is used up', () => {
		const t = setup();
		t.purchase('p1', 50);
		t.purchase('p2', 50);
		t.spend(40);
		expect(t.refund('p1', 30)).toMatchObject({ ok: true, balance: 30 });
		expect(t.lotOf('p1').remaining).toBe(0);
		expect(t.lotOf('p2').remaining).toBe(30);
	});

	it('goes into debt, which blocks spending and holds until a top-up pays it back', () => {
		const t = setup();
		t.purchase('p1', 50);
		t.spend(45);
		expect(t.refund('p1', 50)).toMatchObject({ ok: true, balance: -45, available: -45, debt: 45 });
		expect(t.spend(1)).toMatchObject({ ok: false, error: { code: 'account_in_debt' } });
		const hold = {
			userId: 'ann',
			amount: 1,
			expiresAt: t.at(60_000),
			actor: 'user:ann',
			idempotencyKey: 'h'
		};
		expect(t.ledger.hold(hold)).toMatchObject({ ok: false, error: { code: 'account_in_debt' } });

		t.purchase('p2', 30);
		expect(t.ledger.balance('ann')).toMatchObject({ balance: -15, available: -15, debt: 15 });
		expect(t.lotOf('p2')).toMatchObject({ remaining: 0, debtPaid: 30 });
		expect(t.spend(1)).toMatchObject({ ok: false, error: { code: 'account_in_debt' } });

		t.purchase('p3', 40);
		expect(t.ledger.balance('ann')).toMatchObject({ balance: 25, available: 25, debt: 0 });
		expect(t.lotOf('p3')).toMatchObject({ remaining: 25, debtPaid: 15 });
		expect(t.spend(25)).toMatchObject({ ok: true, balance: 0 });
		expect(t.ledger.verify()).toEqual([]);
	});

	it('leaves held credits alone; released ones pay the debt', () => {
		const t = setup();
		t.purchase('p1', 50);
		const held = t.ledger.hold({
			userId: 'ann',
			amount: 40,
			expiresAt: t.at(60_000),
			actor: 'x',
			idempotencyKey: 'h'
		});
		expect(t.refund('p1', 30)).toMatchObject({ ok: true, balance: 20, available: -20, debt: 20 });
		expect(t.lotOf('p1')).toMatchObject({ remaining: 40, held: 40 });
		const release = t.ledger.release({
			holdId: held.ok ? held.holdId : 0,
			actor: 'x',
			idempotencyKey: 'r'
		});
		expect(release).toMatchObject({ ok: true, balance: 20, available: 20 });
		expect(t.ledger.balance('ann')).toMatchObject({ balance: 20, available: 20, debt: 0 });
		expect(t.ledger.verify()).toEqual([]);
	});

	it('is reversed by a reinstate grant', () => {
		const t = setup();
		t.purchase('p1', 50);
		t.ledger.clawback({
			userId: 'ann',
			amount: 50,
			code: 'dispute',
			fromLotReference: 'p1',
			actor: 's',
			idempotencyKey: 'd'
		});
		const won = {
			userId: 'ann',
			amount: 50,
			category: 'paid' as const,
			code: 'reinstate' as const,
			actor: 's'
		};
		expect(t.ledger.grant({ ...won, reference: 'p1', idempotencyKey: 'w' })).toMatchObject({
			ok: true,
			balance: 50
		});
		const [reinstate] = t.ledger.transfers({ userId: 'ann', code: 'reinstate' }).items;
		expect(reinstate.debitAccountId).toBe(5);
		expect(t.ledger.verify()).toEqual([]);
	});

	it('refuses a lot of another user', () => {
		const t = setup();
		t.ledger.grant({ userId: 'bob', amount: 5, category: 'free', actor: 's', idempotencyKey: 'b' });
		const bobLot = t.ledger.lots('bob')[0].id;
		const result = t.ledger.clawback({
			userId: 'ann',
			amount: 1,
			code: 'refund',
			fromLotId: bobLot,
			actor: 's',
			idempotencyKey: 'x'
		});
		expect(result).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
	});
});

describe('adjust', () => {
	it('deducts with a reason, never below zero unless forced', () => {
		const t = setup();
		t.purchase('p1', 10);
		const adjust = { userId: 'ann', reason: 'abuse', actor: 'admin:1' };
		expect(t.ledger.adjust({ ...adjust, amount: 4, idempotencyKey: 'a1' })).toMatchObject({
			ok: true,
			balance: 6
		});
		expect(t.ledger.adjust({ ...adjust, amount: 7, idempotencyKey: 'a2' })).toMatchObject({
			ok: false,
			error: { code: 'insufficient_credits' }
		});
		expect(
			t.ledger.adjust({ ...adjust, amount: 7, force: true, idempotencyKey: 'a3' })
		).toMatchObject({
			ok: true,
			balance: -1,
			debt: 1
		});
		expect(t.ledger.adjust({ ...adjust, amount: 1, idempotencyKey: 'a4' })).toMatchObject({
			ok: false,
			error: { code: 'account_in_debt' }
		});
		expect(
			t.ledger.adjust({ ...adjust, amount: 1, reason: ' ', idempotencyKey: 'a5' })
		).toMatchObject({
			ok: false,
			error: { code: 'invalid_request' }
		});
		expect(t.ledger.verify()).toEqual([]);
	});
});
