import { describe, expect, it } from 'vitest';
import { transferTypes } from '../types';
import { createTestLedger, dayMs } from './ledger/testing/ledger';
import { transferCodes } from './ledger/schema';
import { signupReference, transferTypeFilter, transferTypeOf } from './transfer-types';

describe('transferTypeOf', () => {
	it('names every code; a grant is a welcome gift only when it is the sign-up bonus', () => {
		for (const code of transferCodes)
			expect(transferTypes).toContain(transferTypeOf({ code, reference: null }));
		expect(transferTypeOf({ code: 'grant', reference: signupReference('u1') })).toBe(
			'welcome_gift'
		);
		expect(transferTypeOf({ code: 'grant', reference: null })).toBe('adjustment');
		expect(transferTypeOf({ code: 'grant', reference: 'promo:signup:u1' })).toBe('adjustment');
		expect(transferTypeOf({ code: 'adjust', reference: null })).toBe('adjustment');
		expect(transferTypeOf({ code: 'reinstate', reference: 'purchase_1' })).toBe('reinstated');
		expect(transferTypeOf({ code: 'expire', reference: null })).toBe('expired');
		expect(transferTypeOf({ code: 'purchase', reference: 'purchase_1' })).toBe('purchase');
	});
});

describe('transferTypeFilter', () => {
	it('finds exactly the transfers that transferTypeOf gives its type', () => {
		const t = createTestLedger();
		const common = { userId: 'ann', actor: 'system' };
		const grant = (code: 'grant' | 'purchase', reference?: string, expiresAt?: Date) =>
			t.ledger.grant({
				...common,
				amount: 50,
				category: code === 'purchase' ? 'paid' : 'free',
				code,
				reference,
				expiresAt,
				idempotencyKey: t.key()
			});
		grant('grant', signupReference('ann'), t.at(dayMs));
		grant('purchase', 'purchase_1');
		grant('grant');
		t.ledger.spend({ ...common, amount: 3, idempotencyKey: t.key() });
		const hold = t.ledger.hold({
			...common,
			amount: 4,
			expiresAt: t.at(dayMs),
			idempotencyKey: t.key()
		});
		const partly = t.ledger.hold({
			...common,
			amount: 6,
			expiresAt: t.at(dayMs),
			idempotencyKey: t.key()
		});
		t.ledger.hold({ ...common, amount: 1, expiresAt: t.at(dayMs / 2), idempotencyKey: t.key() });
		if (!hold.ok || !partly.ok) throw new Error('hold refused');
		t.ledger.release({ holdId: hold.holdId, actor: 'x', idempotencyKey: t.key() });
		t.ledger.capture({ holdId: partly.holdId, amount: 2, actor: 'x', idempotencyKey: t.key() });
		t.ledger.clawback({
			...common,
			amount: 5,
			code: 'refund',
			reference: 'purchase_1',
			idempotencyKey: t.key()
		});
		t.ledger.clawback({
			...common,
			amount: 5,
			code: 'dispute',
			reference: 'purchase_1',
			idempotencyKey: t.key()
		});
		t.ledger.grant({
			...common,
			amount: 5,
			category: 'paid',
			code: 'reinstate',
			reference: 'purchase_1',
			idempotencyKey: t.key()
		});
		t.ledger.adjust({ ...common, amount: 2, reason: 'fix', idempotencyKey: t.key() });
		t.advance(2 * dayMs);
		t.ledger.expire();

		const all = t.ledger.transfers({ userId: 'ann', limit: 500 }).items;
		const seen = new Set(all.map(transferTypeOf));
		expect([...seen].sort()).toEqual([...transferTypes].sort());
		for (const type of transferTypes) {
			const found = t.ledger.transfers({ userId: 'ann', limit: 500, ...transferTypeFilter(type) });
			expect(
				found.items.map((item) => item.id),
				type
			).toEqual(all.filter((item) => transferTypeOf(item) === type).map((item) => item.id));
		}
	});
});
