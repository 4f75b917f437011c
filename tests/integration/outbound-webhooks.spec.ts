import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refundPurchase } from '../../src/lib/server/admin/refunds';
import { dispatchDue } from '../../src/lib/server/webhooks/dispatcher';
import { createEndpoint } from '../../src/lib/server/webhooks/endpoints';
import { startReceiver, type Receiver } from '../../src/lib/server/webhooks/testing/receiver';
import { eventually, openShop, type Shop } from './purchase-fixture';

const admin = { id: 'admin_1', email: 'admin@example.com' };
let shop: Shop;
let receiver: Receiver;
let secret: string;

beforeAll(async () => {
	shop = await openShop();
	receiver = await startReceiver();
	({ secret } = await createEndpoint(shop.db, admin, {
		url: receiver.url,
		description: '',
		eventTypes: ['purchase.completed', 'purchase.refunded'],
		lowBalanceThreshold: null
	}));
});
afterAll(async () => {
	await receiver.close();
	await shop.close();
});

/** Sends what is due and answers the verified payloads of that type received so far. */
async function received(type: string) {
	await dispatchDue(shop.db);
	return receiver.received
		.map((r) => new Webhook(secret).verify(r.body, r.headers as Record<string, string>))
		.filter((payload) => (payload as { type: string }).type === type);
}

describe('outbound webhooks for Stripe payments', () => {
	it('tells the host app of a purchase credited by fulfilment, then of its refund', async () => {
		const userId = await shop.signUp();
		const { purchaseId, url } = await shop.buy(userId, 'standard');
		expect((await shop.pay(url)).status).toBe(303);
		await eventually(async () => (await shop.purchase(purchaseId)).status === 'paid');

		expect(await received('purchase.completed')).toEqual([
			{
				type: 'purchase.completed',
				timestamp: expect.any(String),
				data: {
					purchase_id: purchaseId,
					package_id: 'standard',
					amount_paid_minor: 3999,
					currency: 'usd',
					user_id: userId,
					amount: 500,
					transfer_id: expect.any(Number),
					balance: 500,
					available: 500
				}
			}
		]);

		const refund = await refundPurchase(shop.db, shop.stripe, admin, {
			purchaseId,
			amount: 2000,
			idempotencyKey: 'webhook-refund-1'
		});
		expect(refund.ok).toBe(true);
		await eventually(async () => (await shop.purchase(purchaseId)).status === 'partially_refunded');
		expect(await received('purchase.refunded')).toEqual([
			{
				type: 'purchase.refunded',
				timestamp: expect.any(String),
				data: {
					purchase_id: purchaseId,
					package_id: 'standard',
					amount_refunded_minor: 2000,
					currency: 'usd',
					user_id: userId,
					amount: 250,
					transfer_id: expect.any(Number),
					balance: 250,
					available: 250,
					debt: 0
				}
			}
		]);
		expect(await shop.violations()).toEqual([]);
	});
});
