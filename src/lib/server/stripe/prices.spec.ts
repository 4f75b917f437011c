import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db';
import { findSyncedPrice, saveSyncedPrices, stripeAccountOf } from './prices';

const basic = {
	packageId: 'basic',
	productId: 'credits_basic',
	priceId: 'price_emulator_1',
	unitAmount: 999,
	currency: 'usd',
	credits: 100
};
const emulator = stripeAccountOf({ stripeApiUrl: 'http://127.0.0.1:12111' });
const realTest = stripeAccountOf({ STRIPE_SECRET_KEY: 'sk_test_abc', stripeApiUrl: undefined });

describe('stripeAccountOf', () => {
	it('tells the emulator, each key and each API apart', () => {
		const accounts = [
			emulator,
			realTest,
			stripeAccountOf({ STRIPE_SECRET_KEY: 'sk_live_abc', stripeApiUrl: undefined }),
			stripeAccountOf({ STRIPE_SECRET_KEY: 'sk_test_other', stripeApiUrl: undefined }),
			stripeAccountOf({ STRIPE_SECRET_KEY: 'sk_test_abc', stripeApiUrl: 'http://127.0.0.1:12111' })
		];
		expect(new Set(accounts).size).toBe(accounts.length);
		expect(realTest).toMatch(/^https:\/\/api\.stripe\.com test [0-9a-f]{16}$/);
		expect(realTest).not.toContain('abc');
		expect(stripeAccountOf({ stripeApiUrl: 'http://127.0.0.1:12111/' })).toBe(emulator);
	});
});

describe('synced prices', () => {
	it('are not sold against another Stripe than the one they were synced with', async () => {
		const db = openDatabase(':memory:');
		await saveSyncedPrices(db, [basic], emulator);
		expect((await findSyncedPrice(db, 'basic', emulator))?.priceId).toBe('price_emulator_1');
		expect(await findSyncedPrice(db, 'basic', realTest)).toBeUndefined();

		await saveSyncedPrices(db, [{ ...basic, priceId: 'price_real_1' }], realTest);
		expect((await findSyncedPrice(db, 'basic', realTest))?.priceId).toBe('price_real_1');
		expect(await findSyncedPrice(db, 'basic', emulator)).toBeUndefined();
	});

	it('keep only the packages of the last sync', async () => {
		const db = openDatabase(':memory:');
		await saveSyncedPrices(
			db,
			[basic, { ...basic, packageId: 'pro', priceId: 'price_2' }],
			emulator
		);
		await saveSyncedPrices(db, [basic], emulator);
		expect(await findSyncedPrice(db, 'pro', emulator)).toBeUndefined();
		expect(await findSyncedPrice(db, 'basic', emulator)).toBeDefined();
	});
});
