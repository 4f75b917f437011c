import { describe, expect, it } from 'vitest';
import { createTestLedger, dayMs } from './testing/ledger';

function setup() {
	const t = createTestLedger();
	const grant = (amount: number, code: 'grant' | 'purchase' = 'grant') =>
		t.ledger.grant({
			userId: 'ann',
			amount,
			category: code === 'purchase' ? 'paid' : 'free',
			code,
			actor: 'system',
			idempotencyKey: t.key()
		});
	const spend = (amount: number) =>
		t.ledger.spend({ userId: 'ann', amount, actor: 'user:ann', idempotencyKey: t.key() });
	return { ...t, grant, spend };
}

describe('systemTotals', () => {
	it('shows every transfer once rolled up, and only then', () => {
		const t = setup();
		t.grant(100, 'purchase');
		t.grant(30);
		t.spend(20);
		t.ledger.hold({
			userId: 'ann',
			amount: 5,
			expiresAt: t.at(dayMs),
			actor: 'x',
			idempotencyKey: 'h'
		});
		expect(t.ledger.systemTotals().spent.creditsPosted).toBe(0);

		t.ledger.rollUp();
		const totals = t.ledger.systemTotals();
		expect(totals.issued_purchase).toMatchObject({ debitsPosted: 100, creditsPosted: 0 });
		expect(totals.issued_grant.debitsPosted).toBe(30);
		expect(totals.spent).toMatchObject({ creditsPosted: 20, creditsPending: 5 });
		expect(totals.expired.creditsPosted).toBe(0);
	});
});

describe('dailyTotals', () => {
	it('sums each code per UTC day within the range, oldest first', () => {
		const t = setup();
		t.grant(100, 'purchase');
		t.spend(10);
		t.spend(5);
		t.advance(dayMs);
		t.grant(50, 'purchase');
		t.advance(dayMs);
		t.spend(1);

		expect(
			t.ledger.dailyTotals({ codes: ['purchase', 'spend'], from: new Date(Date.UTC(2030, 0, 1)) })
		).toEqual([
			{ day: '2030-01-01', code: 'purchase', amount: 100 },
			{ day: '2030-01-01', code: 'spend', amount: 15 },
			{ day: '2030-01-02', code: 'purchase', amount: 50 },
			{ day: '2030-01-03', code: 'spend', amount: 1 }
		]);
		expect(
			t.ledger.dailyTotals({ codes: ['spend'], from: new Date(Date.UTC(2030, 0, 2)) })
		).toEqual([{ day: '2030-01-03', code: 'spend', amount: 1 }]);
	});
});
