import { describe, expect, it } from 'vitest';
import { getLedgerFor } from './app-ledger';
import { openDatabase } from './db';
import { grantSignupBonus } from './signup-bonus';
import { dayMs } from '../time';

describe('the sign-up bonus', () => {
	it('grants free credits that expire, once per user', async () => {
		const db = openDatabase(':memory:');
		const now = new Date();
		await grantSignupBonus(db, 'u1', { credits: 50, expiresInDays: 30 }, now);
		await grantSignupBonus(db, 'u1', { credits: 50, expiresInDays: 30 }, now);
		const ledger = getLedgerFor(db);
		expect((await ledger.balance('u1')).balance).toBe(50);
		const [lot] = await ledger.lots('u1');
		expect(lot).toMatchObject({
			category: 'free',
			amount: 50,
			expiresAt: new Date(now.getTime() + 30 * dayMs)
		});
	});

	it('is off when set to 0 credits', async () => {
		const db = openDatabase(':memory:');
		await grantSignupBonus(db, 'u2', { credits: 0, expiresInDays: 30 });
		expect((await getLedgerFor(db).balance('u2')).balance).toBe(0);
	});
});
