import { beforeEach, describe, expect, it } from 'vitest';
import { sqliteLedgerFor } from '../app-ledger';
import { openDatabase, type Db } from '../db';
import { purchases, users, type PurchaseStatus } from '../db/schema';
import { dayMs } from '../ledger/time';
import { loadDashboard } from './dashboard';
import { windowOf } from './dashboard-daily';

let db: Db;
let purchaseCount = 0;

beforeEach(() => {
	db = openDatabase(':memory:');
	db.insert(users).values({ id: 'ann', email: 'ann@example.com', passwordHash: 'x' }).run();
});

function buy(
	amount: number,
	status: PurchaseStatus,
	{ currency = 'usd', refunded = 0, paidAt = new Date() as Date | null } = {}
) {
	const id = `purchase_${++purchaseCount}`;
	db.insert(purchases)
		.values({
			id,
			userId: 'ann',
			packageId: 'basic',
			credits: 100,
			amountMinor: amount,
			currency,
			status,
			amountRefundedMinor: refunded,
			paidAt: status === 'pending' ? null : paidAt,
			updatedAt: new Date()
		})
		.run();
	return id;
}

const ledger = () => sqliteLedgerFor(db);
let keys = 0;
const move = {
	purchase: (amount: number) =>
		ledger().grant({
			userId: 'ann',
			amount,
			category: 'paid',
			code: 'purchase',
			actor: 'system',
			idempotencyKey: `k${++keys}`
		}),
	grant: (amount: number) =>
		ledger().grant({
			userId: 'ann',
			amount,
			category: 'free',
			actor: 'admin:x',
			idempotencyKey: `k${++keys}`
		}),
	spend: (amount: number) =>
		ledger().spend({ userId: 'ann', amount, actor: 'user:ann', idempotencyKey: `k${++keys}` })
};

describe('the dashboard', () => {
	it('sums revenue per currency from paid purchases: gross, refunded and net', async () => {
		buy(999, 'paid');
		buy(3999, 'partially_refunded', { refunded: 1000 });
		buy(500, 'paid', { currency: 'eur' });
		buy(7999, 'pending');
		expect((await loadDashboard(db, 30)).revenue).toEqual([
			{ currency: 'eur', grossMinor: 500, refundedMinor: 0, netMinor: 500 },
			{ currency: 'usd', grossMinor: 4998, refundedMinor: 1000, netMinor: 3998 }
		]);
	});

	it('reads credit figures from the system accounts, current without a separate roll-up', async () => {
		move.purchase(500);
		move.grant(50);
		move.spend(120);
		ledger().clawback({
			userId: 'ann',
			amount: 30,
			code: 'refund',
			reference: 'purchase_x',
			actor: 'system',
			idempotencyKey: 'claw'
		});
		ledger().hold({
			userId: 'ann',
			amount: 40,
			expiresAt: new Date(Date.now() + dayMs),
			actor: 'api',
			idempotencyKey: 'hold'
		});

		const dashboard = await loadDashboard(db, 30);
		expect(dashboard.credits).toEqual({
			sold: 500,
			granted: 50,
			spent: 120,
			expired: 0,
			clawedBack: 30,
			deducted: 0,
			outstanding: 400
		});
		expect(dashboard.credits.outstanding).toBe(ledger().balance('ann').balance);
		expect(dashboard.holds).toEqual({ count: 1, credits: 40 });
	});

	it('counts purchases by status and lists disputes and mismatches for attention', async () => {
		buy(999, 'paid');
		buy(999, 'paid');
		const disputed = buy(3999, 'disputed');
		const mismatched = buy(100, 'mismatch');
		const dashboard = await loadDashboard(db, 30);
		expect(dashboard.statuses).toEqual([
			{ status: 'disputed', count: 1 },
			{ status: 'mismatch', count: 1 },
			{ status: 'paid', count: 2 }
		]);
		expect(dashboard.disputes.map((purchase) => purchase.id)).toEqual([disputed]);
		expect(dashboard.mismatches.map((purchase) => purchase.id)).toEqual([mismatched]);
	});

	it('charts every day of the window, oldest first, with zeros where nothing happened', async () => {
		const now = new Date();
		buy(999, 'paid', { paidAt: now });
		buy(3999, 'paid', { paidAt: now });
		buy(500, 'paid', { paidAt: new Date(now.getTime() - 2 * dayMs) });
		buy(7777, 'paid', { paidAt: new Date(now.getTime() - 40 * dayMs) });
		move.purchase(500);
		move.spend(20);
		move.spend(5);

		const dashboard = await loadDashboard(db, 30, now);
		const [usd] = dashboard.revenueByDay;
		const today = now.toISOString().slice(0, 10);
		expect(usd.points).toHaveLength(30);
		expect(usd.points.at(-1)).toEqual({ day: today, grossMinor: 4998 });
		expect(usd.points.at(-3)!.grossMinor).toBe(500);
		expect(usd.points.reduce((sum, point) => sum + point.grossMinor, 0)).toBe(5498);
		expect(dashboard.creditsByDay).toHaveLength(30);
		expect(dashboard.creditsByDay.at(-1)).toEqual({ day: today, sold: 500, spent: 25 });

		const longer = await loadDashboard(db, 90, now);
		expect(longer.revenueByDay[0].points).toHaveLength(90);
		expect(longer.revenueByDay[0].points.reduce((sum, point) => sum + point.grossMinor, 0)).toBe(
			5498 + 7777
		);
	});

	it('starts a window at midnight UTC, days − 1 days before today', () => {
		const window = windowOf(30, new Date(Date.UTC(2030, 2, 31, 15, 30)));
		expect(window.from).toEqual(new Date(Date.UTC(2030, 2, 2)));
		expect(window.days[0]).toBe('2030-03-02');
		expect(window.days.at(-1)).toBe('2030-03-31');
	});
});
