import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WebhookEventType } from '../../types';
import { sqliteLedgerFor, requireLedgerOk } from '../app-ledger';
import { openDatabase, type Db } from '../db';
import { webhookMessages } from '../db/schema';
import type { Ledger } from '../ledger';
import { createEndpoint, setEndpointEnabled } from './endpoints';

const admin = { id: 'admin_1', email: 'admin@example.com' };
let db: Db;
let ledger: Ledger;
let keys = 0;
const key = () => `key-${++keys}`;

beforeEach(() => {
	db = openDatabase(':memory:');
	ledger = sqliteLedgerFor(db);
});
afterEach(() => {
	vi.useRealTimers();
});

async function register(eventTypes: WebhookEventType[], lowBalanceThreshold: number | null = null) {
	const { endpointId } = await createEndpoint(db, admin, {
		url: 'https://app.example.com/hooks',
		description: '',
		eventTypes,
		lowBalanceThreshold
	});
	return endpointId;
}

/** The outbox, oldest first, payloads parsed. */
function outbox() {
	return db
		.select()
		.from(webhookMessages)
		.orderBy(webhookMessages.createdAt)
		.all()
		.map((message) => ({ ...message, body: JSON.parse(message.payload) }));
}

const give = (amount: number, userId = 'u1') =>
	ledger.grant({
		userId,
		amount,
		category: 'free',
		reason: 'welcome',
		actor: 'admin:admin_1',
		idempotencyKey: key()
	});
const spend = (amount: number, userId = 'u1') =>
	ledger.spend({ userId, amount, actor: 'api_key:test', idempotencyKey: key() });

describe('the webhook outbox', () => {
	it('records nothing while no endpoint is registered', () => {
		give(100);
		spend(90);
		expect(outbox()).toEqual([]);
	});

	it('writes credits.granted in Standard Webhooks shape, once per listening endpoint', async () => {
		const first = await register(['credits.granted']);
		const second = await register(['credits.granted', 'purchase.completed']);
		await register(['purchase.completed']);
		const granted = give(250);
		const messages = outbox();
		expect(messages.map((m) => m.endpointId).sort()).toEqual([first, second].sort());
		expect(messages[0]).toMatchObject({ eventType: 'credits.granted', status: 'pending' });
		expect(messages[0].id).toMatch(/^msg_/);
		expect(messages[0].body).toEqual({
			type: 'credits.granted',
			timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
			data: {
				user_id: 'u1',
				amount: 250,
				transfer_id: granted.ok && granted.transferId,
				balance: 250,
				available: 250,
				category: 'free',
				reason: 'welcome',
				expires_at: null
			}
		});
	});

	it('writes nothing for a change that rolls back after the ledger posted it', async () => {
		await register(['credits.granted']);
		expect(() =>
			db.$client
				.transaction(() => {
					requireLedgerOk(give(100), 'grant');
					throw new Error('the enclosing change failed');
				})
				.immediate()
		).toThrow('the enclosing change failed');
		expect(ledger.balance('u1').balance).toBe(0);
		expect(outbox()).toEqual([]);
	});

	it('sends no message for a replayed write', async () => {
		await register(['credits.granted']);
		const grant = {
			userId: 'u1',
			amount: 5,
			category: 'free' as const,
			actor: 'a',
			idempotencyKey: 'once'
		};
		ledger.grant(grant);
		expect(ledger.grant(grant)).toMatchObject({ ok: true, replayed: true });
		expect(outbox()).toHaveLength(1);
	});

	it('sends balance.low when a debit crosses the threshold, not on every spend below it', async () => {
		await register(['balance.low'], 100);
		give(150);
		spend(40);
		expect(outbox()).toEqual([]);
		const crossing = spend(20);
		spend(10);
		const messages = outbox();
		expect(messages.map((m) => m.eventType)).toEqual(['balance.low']);
		expect(messages[0].body.data).toEqual({
			user_id: 'u1',
			threshold: 100,
			balance: 90,
			available: 90,
			transfer_id: crossing.ok && crossing.transferId,
			transfer_code: 'spend'
		});
		// Topped up above the threshold, the next crossing is reported again.
		give(50);
		spend(70);
		expect(outbox().map((m) => m.body.data.available)).toEqual([90, 60]);
	});

	it('uses each endpoint’s own threshold', async () => {
		const high = await register(['balance.low'], 500);
		const low = await register(['balance.low'], 50);
		give(600);
		spend(200);
		expect(outbox().map((m) => m.endpointId)).toEqual([high]);
		spend(380);
		expect(outbox().map((m) => m.endpointId)).toEqual([high, low]);
	});

	it('sends hold.expired when the sweeper voids a hold past its expiry', async () => {
		vi.useFakeTimers({ now: Date.UTC(2031, 0, 1) });
		await register(['hold.expired']);
		give(100);
		const held = ledger.hold({
			userId: 'u1',
			amount: 30,
			expiresAt: new Date(Date.now() + 60_000),
			actor: 'api_key:test',
			idempotencyKey: key()
		});
		expect(outbox()).toEqual([]);
		vi.setSystemTime(Date.now() + 61_000);
		expect(ledger.expire()).toMatchObject({ holds: 1 });
		const [message] = outbox();
		expect(message.body).toMatchObject({
			type: 'hold.expired',
			timestamp: new Date(Date.UTC(2031, 0, 1) + 61_000).toISOString(),
			data: {
				hold_id: held.ok && held.holdId,
				user_id: 'u1',
				amount: 30,
				balance: 100,
				available: 100
			}
		});
	});

	it('stops writing for an endpoint once it is disabled', async () => {
		const id = await register(['credits.granted']);
		give(1);
		await setEndpointEnabled(db, admin, id, false);
		give(2);
		expect(outbox().map((m) => m.body.data.amount)).toEqual([1]);
	});
});
