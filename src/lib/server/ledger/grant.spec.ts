import { describe, expect, it } from 'vitest';
import { createTestLedger, dayMs } from './testing/ledger';

const purchase = {
	userId: 'ann',
	amount: 100,
	category: 'paid' as const,
	code: 'purchase' as const,
	reference: 'pur_1',
	actor: 'system:stripe',
	idempotencyKey: 'purchase:pur_1'
};

describe('grant', () => {
	it('credits a purchase from issued_purchase and opens a paid lot with its reference', () => {
		const t = createTestLedger();
		const result = t.ledger.grant(purchase);
		expect(result).toMatchObject({ ok: true, balance: 100, available: 100 });
		const issuer = t.db.$client
			.prepare(`SELECT id FROM accounts WHERE kind = 'issued_purchase'`)
			.pluck()
			.get();
		const [transfer] = t.ledger.transfers({ userId: 'ann' }).items;
		expect(transfer).toMatchObject({
			code: 'purchase',
			debitAccountId: issuer,
			reference: 'pur_1',
			balanceDelta: 100
		});
		expect(t.ledger.lots('ann')).toMatchObject([
			{
				id: result.ok && result.lotId,
				category: 'paid',
				amount: 100,
				remaining: 100,
				reference: 'pur_1'
			}
		]);
	});

	it.each([
		['an unknown code', { code: 'toString' as never }],
		['an unknown category', { category: 'gold' as never }],
		['an expiry in the past', { expiresAt: new Date(Date.UTC(2029, 0, 1)) }]
	])('refuses %s with invalid_request', (_, change) => {
		const t = createTestLedger();
		expect(t.ledger.grant({ ...purchase, ...change })).toMatchObject({
			ok: false,
			error: { code: 'invalid_request' }
		});
	});

	it('replays the original result even after the lot expired', () => {
		const t = createTestLedger();
		const gift = {
			...purchase,
			code: 'grant' as const,
			category: 'free' as const,
			expiresAt: t.at(dayMs)
		};
		const first = t.ledger.grant(gift);
		t.advance(2 * dayMs);
		expect(t.ledger.grant(gift)).toEqual({ ...first, replayed: true });
		expect(t.ledger.balance('ann').balance).toBe(0);
	});
});
