import { eq } from 'drizzle-orm';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqliteLedgerFor } from '../app-ledger';
import { openDatabase, type Db } from '../db';
import { webhookAttempts, webhookMessages } from '../db/schema';
import { endpointLog, resendMessage } from './deliveries';
import { dispatchDue, startDispatcher } from './dispatcher';
import { createEndpoint } from './endpoints';
import { startReceiver, type Receiver } from './testing/receiver';

const admin = { id: 'admin_1', email: 'admin@example.com' };
const minuteMs = 60_000;
let db: Db;
let receiver: Receiver;
let keys = 0;

beforeEach(async () => {
	db = openDatabase(':memory:');
	receiver = await startReceiver();
});
afterEach(() => receiver.close());

function register(url = receiver.url) {
	return createEndpoint(db, admin, {
		url,
		description: 'test receiver',
		eventTypes: ['credits.granted'],
		lowBalanceThreshold: null
	});
}

function grant(amount = 10, on = db) {
	return sqliteLedgerFor(on).grant({
		userId: 'u1',
		amount,
		category: 'free',
		actor: 'test',
		idempotencyKey: `grant-${++keys}`
	});
}

const messages = () => db.select().from(webhookMessages).all();
const attempts = () => db.select().from(webhookAttempts).orderBy(webhookAttempts.attempt).all();

describe('the webhook dispatcher', () => {
	it('signs every delivery so that a Standard Webhooks verifier accepts it', async () => {
		const { secret } = await register();
		grant(25);
		expect(await dispatchDue(db)).toBe(1);
		const [message] = messages();
		const [{ headers, body }] = receiver.received;
		expect(body).toBe(message.payload);
		expect(headers['webhook-id']).toBe(message.id);
		expect(headers['content-type']).toBe('application/json');
		expect(new Webhook(secret).verify(body, headers as Record<string, string>)).toMatchObject({
			type: 'credits.granted',
			data: { user_id: 'u1', amount: 25 }
		});
		const { secret: otherSecret } = await createEndpoint(db, admin, {
			url: receiver.url,
			description: '',
			eventTypes: ['hold.expired'],
			lowBalanceThreshold: null
		});
		expect(() => new Webhook(otherSecret).verify(body, headers as Record<string, string>)).toThrow(
			'No matching signature found'
		);
		expect(messages()[0]).toMatchObject({ status: 'delivered', attempts: 1, claimedUntil: null });
		expect(attempts()).toMatchObject([{ attempt: 1, responseStatus: 204, delivered: true }]);
		expect(await dispatchDue(db)).toBe(0);
	});

	it('retries a failing endpoint with growing waits, then delivers with the same webhook-id', async () => {
		let failures = 2;
		receiver.respond = (_, response) => {
			if (failures-- > 0) response.writeHead(503).end('down for maintenance');
			else response.writeHead(200).end('ok');
		};
		await register();
		grant();
		let now = Date.now();
		const round = () => dispatchDue(db, { now: () => now, random: () => 0.5 });

		expect(await round()).toBe(1);
		expect(messages()[0]).toMatchObject({ status: 'pending', attempts: 1 });
		expect(messages()[0].nextAttemptAt!.getTime()).toBe(now + 5_000);
		expect(await round()).toBe(0);
		now += 5_000;
		expect(await round()).toBe(1);
		expect(messages()[0].nextAttemptAt!.getTime()).toBe(now + 20_000);
		now += 20_000;
		expect(await round()).toBe(1);

		expect(messages()[0]).toMatchObject({ status: 'delivered', attempts: 3 });
		expect(attempts()).toMatchObject([
			{
				attempt: 1,
				responseStatus: 503,
				responseSnippet: 'down for maintenance',
				delivered: false
			},
			{ attempt: 2, responseStatus: 503, delivered: false },
			{ attempt: 3, responseStatus: 200, responseSnippet: 'ok', delivered: true }
		]);
		const ids = new Set(receiver.received.map((r) => r.headers['webhook-id']));
		expect(ids).toEqual(new Set([messages()[0].id]));
	});

	it('marks a message failed after its last attempt; a resend gives it one more', async () => {
		receiver.respond = (_, response) => void response.writeHead(500).end();
		const { endpointId } = await register();
		grant();
		let now = Date.now();
		const round = () => dispatchDue(db, { now: () => now });
		for (let attempt = 1; attempt <= 8; attempt++) {
			expect(await round()).toBe(1);
			now += 8 * 60 * minuteMs;
		}
		expect(messages()[0]).toMatchObject({ status: 'failed', attempts: 8, nextAttemptAt: null });
		expect(await round()).toBe(0);

		receiver.respond = (_, response) => void response.writeHead(204).end();
		expect(await resendMessage(db, admin, endpointId, messages()[0].id)).toEqual({ ok: true });
		expect(await dispatchDue(db)).toBe(1);
		expect(messages()[0]).toMatchObject({ status: 'delivered', attempts: 9 });
		expect((await endpointLog(db, endpointId))!.messages[0]).toMatchObject({
			status: 'delivered',
			attempts: 9,
			lastAttempt: { attempt: 9, responseStatus: 204 }
		});
	});

	it('does not follow a redirect to another host', async () => {
		const elsewhere = await startReceiver();
		receiver.respond = (_, response) =>
			void response.writeHead(307, { location: elsewhere.url }).end();
		await register();
		grant();
		await dispatchDue(db);
		await elsewhere.close();
		expect(elsewhere.received).toEqual([]);
		expect(attempts()[0]).toMatchObject({
			responseStatus: 307,
			responseSnippet: `Redirect to ${elsewhere.url} not followed`,
			delivered: false
		});
		expect(messages()[0].status).toBe('pending');
	});

	it('gives up on an attempt the receiver does not answer in time', async () => {
		receiver.respond = () => {};
		await register();
		grant();
		await dispatchDue(db, { timeoutMs: 200 });
		expect(attempts()[0]).toMatchObject({
			responseStatus: null,
			responseSnippet: 'No response within 200 ms',
			delivered: false
		});
		expect(messages()[0]).toMatchObject({ status: 'pending', claimedUntil: null });
	});

	it('never lets two dispatchers on one database send the same message', async () => {
		const file = join(mkdtempSync(join(tmpdir(), 'webhooks-')), 'shared.db');
		db = openDatabase(file);
		const other = openDatabase(file, { migrate: false });
		receiver.respond = (_, response) => void setTimeout(() => response.writeHead(204).end(), 20);
		await register();
		for (let i = 0; i < 30; i++) grant(1, i % 2 ? db : other);
		let sent = 0;
		for (let round = 0; round < 10 && sent < 30; round++) {
			const counts = await Promise.all([
				dispatchDue(db, { batchSize: 4 }),
				dispatchDue(other, { batchSize: 4 }),
				dispatchDue(db, { batchSize: 4 })
			]);
			sent += counts.reduce((a, b) => a + b, 0);
		}
		const ids = receiver.received.map((r) => r.headers['webhook-id']);
		expect(ids).toHaveLength(30);
		expect(new Set(ids).size).toBe(30);
		expect(messages().every((message) => message.status === 'delivered')).toBe(true);
		other.$client.close();
	});

	it('stops after the round under way has recorded its attempts', async () => {
		receiver.respond = (_, response) => void setTimeout(() => response.writeHead(204).end(), 150);
		await register();
		grant();
		const dispatcher = startDispatcher(db, { pollMs: 10 });
		await expect.poll(() => receiver.received.length).toBe(1);
		await dispatcher.stop();
		expect(messages()[0].status).toBe('delivered');
		grant();
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(receiver.received).toHaveLength(1);
		expect(
			db.select().from(webhookMessages).where(eq(webhookMessages.status, 'pending')).all()
		).toHaveLength(1);
	});
});
