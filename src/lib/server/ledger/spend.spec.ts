import { describe, expect, it } from 'vitest';
import { createTestLedger, dayMs } from './testing/ledger';

function setup() {
	const t = createTestLedger();
	const grant = (amount: number, category: 'paid' | 'free', expiresIn?: number) => {
		const result = t.ledger.grant({
			userId: 'ann',
			amount,
			category,
			expiresAt: expiresIn === undefined ? null : t.at(expiresIn),
			actor: 'admin:1',
			idempotencyKey: t.key()
		});
		if (!result.ok) throw new Error(result.error.message);
		return result.lotId;
	};
	const spend = (amount: number, userId = 'ann') =>
		t.ledger.spend({ userId, amount, actor: 'user:ann', idempotencyKey: t.key() });
	const remaining = () =>
		Object.fromEntries(t.ledger.lots('ann').map((lot) => [lot.id, lot.remaining]));
	return { ...t, grant, spend, remaining };
}

describe('spend', () => {
	it('draws soonest expiry first, then free before paid, then oldest', () => {
		const t = setup();
		const paidForever = t.grant(10, 'paid');
		const freeForever = t.grant(10, 'free');
		const freeForeverLater = t.grant(10, 'free');
		const paidSoon = t.grant(10, 'paid', 5 * dayMs);
		const freeSoon = t.grant(10, 'free', 5 * dayMs);
		const paidSoonest = t.grant(10, 'paid', 2 * dayMs);

		expect(t.spend(25)).toMatchObject({ ok: true, balance: 35, available: 35 });
		expect(t.remaining()).toEqual({
			[paidForever]: 10,
			[freeForever]: 10,
			[freeForeverLater]: 10,
			[paidSoon]: 5,
			[freeSoon]: 0,
			[paidSoonest]: 0
		});
		t.spend(10);
		expect(t.remaining()).toMatchObject({
			[paidSoon]: 0,
			[freeForever]: 5,
			[freeForeverLater]: 10
		});
		t.spend(10);
		expect(t.remaining()).toMatchObject({
			[freeForever]: 0,
			[freeForeverLater]: 5,
			[paidForever]: 10
		});
	});

	it('records which lots paid for the spend', () => {
		const t = setup();
		const first = t.grant(3, 'free');
		const second = t.grant(5, 'free');
		const result = t.spend(6);
		expect(result.ok).toBe(true);
		const rows = t.db.$client
			.prepare(
				'SELECT lot_id AS lotId, amount FROM allocations WHERE transfer_id = ? ORDER BY lot_id'
			)
			.all(result.ok ? result.transferId : 0);
		expect(rows).toEqual([
			{ lotId: first, amount: 3 },
			{ lotId: second, amount: 3 }
		]);
	});

	it('fails with insufficient_credits when available is short, and changes nothing', () => {
		const t = setup();
		t.grant(5, 'paid');
		const result = t.spend(6);
		expect(result).toMatchObject({ ok: false, error: { code: 'insufficient_credits' } });
		expect(t.ledger.balance('ann')).toMatchObject({ balance: 5, available: 5 });
		expect(t.spend(1, 'nobody')).toMatchObject({
			ok: false,
			error: { code: 'insufficient_credits' }
		});
	});

	it.each([0, -3, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 2])(
		'rejects amount %s with invalid_amount',
		(amount) => {
			const t = setup();
			t.grant(5, 'paid');
			expect(t.spend(amount)).toMatchObject({ ok: false, error: { code: 'invalid_amount' } });
		}
	);

	it('expires due lots inside the spend, before the balance check', () => {
		const t = setup();
		const soon = t.grant(10, 'free', 1 * dayMs);
		t.grant(5, 'paid');
		t.advance(1 * dayMs);
		expect(t.spend(6)).toMatchObject({ ok: false, error: { code: 'insufficient_credits' } });
		expect(t.remaining()).toMatchObject({ [soon]: 0 });
		const expiries = t.ledger.transfers({ userId: 'ann', code: 'expire' }).items;
		expect(expiries).toMatchObject([{ amount: 10, balanceAfter: 5, actor: 'system' }]);
		expect(t.spend(5)).toMatchObject({ ok: true, balance: 0 });
		expect(t.ledger.verify()).toEqual([]);
	});
});
