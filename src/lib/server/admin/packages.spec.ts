import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CreditPackage } from '../../credits/catalogue';
import { startStripe, type Harness } from '../../../../tests/integration/stripe-harness';
import { openDatabase, type Db } from '../db';
import { stripePrices } from '../db/schema';
import { createStripeClient } from '../stripe/client';
import { listAudit } from './audit';
import { applySync, listPackages, previewSync } from './packages';

const pkg = (id: string, unitAmount: number, credits = 100, active = true): CreditPackage => ({
	id,
	name: id[0].toUpperCase() + id.slice(1),
	credits,
	unitAmount,
	currency: 'usd',
	description: `${credits} credits`,
	popular: false,
	active
});
const admin = { id: 'admin_ada', email: 'ada@example.com' };

let harness: Harness;
let db: Db;
beforeAll(async () => {
	harness = await startStripe();
});
afterAll(() => harness.emulator.close());
beforeEach(() => {
	db = openDatabase(':memory:');
});

const synced = (packageId: string, unitAmount: number, credits = 100) => ({
	packageId,
	productId: `credits_${packageId}`,
	priceId: `price_${packageId}`,
	stripeAccount: 'acct_test',
	unitAmount,
	currency: 'usd',
	credits,
	syncedAt: new Date()
});

describe('listPackages', () => {
	it('shows each package beside its recorded Stripe price, and how they differ', async () => {
		db.insert(stripePrices)
			.values([
				synced('basic', 999),
				synced('standard', 3000, 500),
				synced('premium', 7999, 1000),
				synced('legacy', 100)
			])
			.run();
		const rows = await listPackages(
			db,
			[
				pkg('basic', 999),
				pkg('standard', 3999, 500),
				pkg('premium', 7999, 1200),
				pkg('enterprise', 24999, 5000),
				pkg('trial', 0, 10, false)
			],
			'acct_test'
		);
		expect(rows.map(({ packageId, drift, lookupKey }) => [packageId, drift, lookupKey])).toEqual([
			['basic', 'in_sync', 'credits_basic'],
			['standard', 'amount_differs', 'credits_standard'],
			['premium', 'credits_differ', 'credits_premium'],
			['enterprise', 'not_in_stripe', 'credits_enterprise'],
			['trial', 'inactive', 'credits_trial'],
			['legacy', 'not_in_catalogue', 'credits_legacy']
		]);
		expect(rows[0].synced).toMatchObject({ priceId: 'price_basic', unitAmount: 999 });
	});
});

describe('syncing from the admin area', () => {
	const catalogue = [pkg('basic', 999), pkg('standard', 3999, 500)];

	it('previews the plan without touching Stripe, the prices or the audit log', async () => {
		const preview = await previewSync(harness.stripe, catalogue);
		expect(preview).toEqual({
			ok: true,
			applied: false,
			changes: [
				'would create product credits_basic (Basic)',
				'would create price for basic ($9.99 for 100 credits)',
				'would create product credits_standard (Standard)',
				'would create price for standard ($39.99 for 500 credits)'
			]
		});
		expect((await harness.stripe.prices.list({ lookup_keys: ['credits_basic'] })).data).toEqual([]);
		expect(db.select().from(stripePrices).all()).toEqual([]);
		expect((await listAudit(db)).entries).toEqual([]);
	});

	it('applies the plan, records the prices checkouts use, and logs each run', async () => {
		const applied = await applySync(db, harness.stripe, admin, catalogue);
		expect(applied).toMatchObject({ ok: true, applied: true });
		expect((await listPackages(db, catalogue)).map((row) => row.drift)).toEqual([
			'in_sync',
			'in_sync'
		]);

		expect(await applySync(db, harness.stripe, admin, catalogue)).toEqual({
			ok: true,
			applied: true,
			changes: []
		});
		expect((await listAudit(db)).entries).toMatchObject([
			{ action: 'sync', outcome: 'ok', detail: 'Stripe was up to date', actorEmail: admin.email },
			{ action: 'sync', outcome: 'ok', detail: expect.stringContaining('create price for basic') }
		]);
	});

	it('reports an unreachable Stripe in words and logs the failure', async () => {
		const offline = createStripeClient({
			stripeSecretKey: 'sk_test_offline',
			stripeApiUrl: 'http://127.0.0.1:9'
		});
		expect(await previewSync(offline, catalogue)).toEqual({
			ok: false,
			message: 'Stripe could not be reached'
		});
		expect(await applySync(db, offline, admin, catalogue)).toEqual({
			ok: false,
			message: 'Stripe could not be reached'
		});
		expect((await listAudit(db)).entries).toMatchObject([{ action: 'sync', outcome: 'failed' }]);
		expect(db.select().from(stripePrices).all()).toEqual([]);
	});
});
