import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from './db';
import { purchases, users } from './db/schema';
import { perform } from './db/unit';
import { findPurchaseOf } from './purchases';

let db: Db;
beforeEach(async () => {
	db = openDatabase(':memory:');
	await db.insert(users).values({ id: 'u1', email: 'u1@example.com', passwordHash: 'x' });
	const purchase = { userId: 'u1', packageId: 'standard', credits: 500, amountMinor: 3999 };
	await db.insert(purchases).values([
		{
			...purchase,
			id: 'pur_a',
			currency: 'usd',
			checkoutSessionId: 'cs_a',
			paymentIntentId: 'pi_a'
		},
		{
			...purchase,
			id: 'pur_b',
			currency: 'usd',
			checkoutSessionId: 'cs_b',
			paymentIntentId: 'pi_b'
		}
	]);
});

const find = (...args: Parameters<typeof findPurchaseOf>) => perform(db, findPurchaseOf(...args));

describe('findPurchaseOf', () => {
	it('finds the purchase named in the metadata, whatever Stripe id comes with it', async () => {
		expect((await find(db, { purchase_id: 'pur_a' }, 'paymentIntentId', 'pi_b'))?.id).toBe('pur_a');
	});

	it('falls back to the Stripe id the purchase recorded when there is no purchase_id', async () => {
		expect((await find(db, null, 'checkoutSessionId', 'cs_b'))?.id).toBe('pur_b');
		expect((await find(db, { other: 'x' }, 'paymentIntentId', 'pi_a'))?.id).toBe('pur_a');
	});

	it('finds nothing for an unknown purchase or an object with neither', async () => {
		expect(await find(db, { purchase_id: 'pur_missing' }, 'paymentIntentId', 'pi_a')).toBe(
			undefined
		);
		expect(await find(db, null, 'paymentIntentId', null)).toBe(undefined);
	});
});
