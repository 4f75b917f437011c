import { describe, expect, it } from 'vitest';
import { createTestLedger, dayMs } from './testing/ledger';

const minute = 60_000;

function setup() {
	const t = createTestLedger();
	t.ledger.grant({
		userId: 'ann',
		amount: 100,
		category: 'paid',
		actor: 'system',
		idempotencyKey: 'grant-1'
	});
	const hold = (amount: number, expiresIn = 10 * minute, userId = 'ann') => {
		const result = t.ledger.hold({
			userId,
			amount,
			expiresAt: t.at(expiresIn),
			actor: 'api_key:1',
			idempotencyKey: t.key()
		});
		if (!result.ok) throw new Error(result.error.message);
		return result.holdId;
	};
	const capture = (holdId: number, amount?: number, userId?: string) =>
		t.ledger.capture({ holdId, amount, userId, actor: 'api_key:1', idempotencyKey: t.key() });
	const release = (holdId: number) =>
		t.ledger.release({ holdId, actor: 'api_key:1', idempotencyKey: t.key() });
	return { ...t, hold, capture, release };
}

describe('holds', () => {
	it('reserve available credits without changing the balance', () => {
		const t = setup();
		t.hold(30);
		expect(t.ledger.balance('ann')).toMatchObject({ balance: 100, available: 70, onHold: 30 });
		expect(
			t.ledger.spend({ userId: 'ann', amount: 71, actor: 'user:ann', idempotencyKey: 's' })
		).toMatchObject({
			ok: false,
			error: { code: 'insufficient_credits' }
		});
		expect(() => t.hold(71)).toThrow(/70 available/);
	});

	it('capture part of a hold and release the rest', () => {
		const t = setup();
		const holdId = t.hold(30);
		expect(t.capture(holdId, 12)).toMatchObject({
			ok: true,
			holdId,
			captured: 12,
			released: 18,
			balance: 88,
			available: 88
		});
		expect(t.ledger.balance('ann')).toMatchObject({ balance: 88, available: 88, onHold: 0 });
		expect(
			t.ledger.transfers({ userId: 'ann' }).items.map((t) => [t.code, t.amount, t.balanceDelta])
		).toEqual([
			['capture', 12, -12],
			['release', 18, 0],
			['hold', 30, 0],
			['grant', 100, 100]
		]);
		expect(t.ledger.verify()).toEqual([]);
	});

	it('capture the whole hold by default', () => {
		const t = setup();
		expect(t.capture(t.hold(30))).toMatchObject({
			ok: true,
			captured: 30,
			released: 0,
			balance: 70
		});
	});

	it('refuse to capture more than the hold', () => {
		const t = setup();
		const holdId = t.hold(30);
		expect(t.capture(holdId, 31)).toMatchObject({ ok: false, error: { code: 'invalid_amount' } });
		expect(t.capture(holdId, 0)).toMatchObject({ ok: false, error: { code: 'invalid_amount' } });
	});

	it('release everything on release, and resolve only once', () => {
		const t = setup();
		const holdId = t.hold(30);
		expect(t.release(holdId)).toMatchObject({ ok: true, holdId, balance: 100, available: 100 });
		expect(t.capture(holdId)).toMatchObject({ ok: false, error: { code: 'hold_not_pending' } });
		expect(t.release(holdId)).toMatchObject({ ok: false, error: { code: 'hold_not_pending' } });
	});

	it('are not found when unknown or owned by another user', () => {
		const t = setup();
		const holdId = t.hold(30);
		expect(t.capture(holdId + 1)).toMatchObject({ ok: false, error: { code: 'hold_not_found' } });
		expect(t.capture(holdId, 5, 'bob')).toMatchObject({
			ok: false,
			error: { code: 'hold_not_found' }
		});
		expect(t.capture(holdId, 5, 'ann')).toMatchObject({ ok: true });
	});

	it('expire: a due hold is voided before capture, which then fails', () => {
		const t = setup();
		const holdId = t.hold(30, 5 * minute);
		t.advance(5 * minute);
		expect(t.capture(holdId)).toMatchObject({ ok: false, error: { code: 'hold_not_pending' } });
		expect(t.ledger.balance('ann')).toMatchObject({ balance: 100, available: 100, onHold: 0 });
		expect(t.ledger.transfers({ userId: 'ann', code: 'expire' }).items).toMatchObject([
			{ amount: 30, holdId }
		]);
	});

	it('expire in the sweep and in any spend of the account', () => {
		const t = setup();
		t.hold(30, 5 * minute);
		t.advance(10 * minute);
		expect(t.ledger.expire()).toEqual({ accounts: 1, lots: 0, holds: 1, credits: 0 });
		expect(t.ledger.expire()).toEqual({ accounts: 0, lots: 0, holds: 0, credits: 0 });
		t.hold(100, 5 * minute);
		t.advance(10 * minute);
		expect(
			t.ledger.spend({ userId: 'ann', amount: 100, actor: 'user:ann', idempotencyKey: 's' })
		).toMatchObject({
			ok: true,
			balance: 0
		});
	});

	it('keep held credits of an expired lot until the hold resolves; released ones then expire', () => {
		const t = setup();
		t.ledger.grant({
			userId: 'ann',
			amount: 50,
			category: 'free',
			expiresAt: t.at(dayMs),
			actor: 'system',
			idempotencyKey: 'g2'
		});
		const holdId = t.hold(60, 2 * dayMs);
		t.advance(dayMs);
		expect(t.ledger.balance('ann')).toMatchObject({ balance: 150, available: 90, onHold: 60 });
		expect(t.capture(holdId, 20)).toMatchObject({ ok: true, balance: 130 });
		expect(t.ledger.balance('ann')).toMatchObject({ balance: 100, available: 100, onHold: 0 });
		expect(t.ledger.verify()).toEqual([]);
	});

	it('need a future expiry', () => {
		const t = setup();
		const result = t.ledger.hold({
			userId: 'ann',
			amount: 1,
			expiresAt: t.at(0),
			actor: 'x',
			idempotencyKey: 'h'
		});
		expect(result).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
	});
});
