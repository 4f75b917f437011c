import { describe, expect, it } from 'vitest';
import { awaitable } from './ledger/async';
import { createTestLedger, dayMs } from './ledger/testing/ledger';
import { readCreditsOverview } from './customer-balance';

describe('readCreditsOverview', () => {
	it('dates the first of the credits expiring within 30 days that are still there', async () => {
		const { ledger, at, key, clock } = createTestLedger();
		const grant = (amount: number, days: number) =>
			ledger.grant({
				userId: 'u1',
				amount,
				category: 'paid',
				expiresAt: at(days * dayMs),
				actor: 'system',
				idempotencyKey: key()
			});
		grant(30, 5);
		grant(100, 10);
		grant(50, 40);
		// Spends take the soonest expiry first: the lot expiring in 5 days is gone.
		ledger.spend({ userId: 'u1', amount: 30, actor: 'system', idempotencyKey: key() });

		expect(await readCreditsOverview(awaitable(ledger), 'u1', new Date(clock.now))).toMatchObject({
			balance: 150,
			expiringSoon: 100,
			firstExpiryAt: at(10 * dayMs)
		});
	});

	it('has no date when nothing expires within 30 days', async () => {
		const { ledger, key, at, clock } = createTestLedger();
		ledger.grant({
			userId: 'u1',
			amount: 50,
			category: 'free',
			expiresAt: at(31 * dayMs),
			actor: 'system',
			idempotencyKey: key()
		});
		expect(await readCreditsOverview(awaitable(ledger), 'u1', new Date(clock.now))).toMatchObject({
			expiringSoon: 0,
			firstExpiryAt: null
		});
	});
});
