import { and, count, eq, isNull, lte, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awaitable, type AsyncLedger } from '../../ledger/async';
import { createLedger } from '../../ledger/index';
import { createPgLedger } from '../../ledger/pg/index';
import { openDatabase, type Db } from '../index';
import * as schema from '../schema';
import { changed } from '../unit';
import { asAppDb, createPgTestDatabase, rowsOf, type PgTestDatabase } from './testing';

/**
 * The design of docs/scaling.md: app code runs on PostgreSQL with SQLite's table objects. Every step
 * below runs on both backends and must give equal results, Dates, booleans, JSON and Buffers included.
 */

const at = new Date('2030-01-02T03:04:05.678Z');
const later = new Date('2030-01-03T00:00:00.001Z');
const clock = () => new Date('2030-01-01T00:00:00.000Z');

type Backend = { name: string; db: Db; ledger: AsyncLedger };
let backends: Backend[];
let database: PgTestDatabase;

beforeAll(async () => {
	const sqlite = openDatabase(':memory:');
	database = await createPgTestDatabase({ max: 2 });
	backends = [
		{ name: 'SQLite', db: sqlite, ledger: awaitable(createLedger(sqlite, { now: clock })) },
		{
			name: 'PostgreSQL',
			db: asAppDb(database.db),
			ledger: createPgLedger(database.db, { now: clock })
		}
	];
});
afterAll(() => database.drop());

const filled = 'filled by the database';

/**
 * Times the database filled in become `filled` once checked to be the time of the write: they are now,
 * before every time the test writes itself (from the ledger's clock on).
 */
function settle(value: unknown, since: number, until: number): unknown {
	if (value instanceof Date) {
		const ms = value.getTime();
		if (ms < clock().getTime()) {
			expect(ms).toBeGreaterThanOrEqual(since);
			expect(ms).toBeLessThanOrEqual(until);
			return filled;
		}
		return value;
	}
	if (Buffer.isBuffer(value) || value === null || typeof value !== 'object') return value;
	if (Array.isArray(value)) return value.map((item) => settle(item, since, until));
	return Object.fromEntries(
		Object.entries(value).map(([key, item]) => [key, settle(item, since, until)])
	);
}

/** Runs `work` on each backend; their results must be equal. Returns SQLite's, settled. */
async function onBoth(work: (db: Db, ledger: AsyncLedger) => Promise<unknown>) {
	const results = [];
	for (const { name, db, ledger } of backends) {
		// A database's clock truncates to ms; Date.now() may be a ms ahead of it.
		const since = Date.now() - 1;
		const result = await work(db, ledger);
		results.push({ name, result: settle(result, since, Date.now() + 1) });
	}
	const [sqlite, postgres] = results;
	expect(postgres.result, 'PostgreSQL reads what SQLite reads').toEqual(sqlite.result);
	return sqlite.result;
}

describe('SQLite table objects on both backends', () => {
	it('users: defaults filled by the database, an enum, a nullable unique, upsert and rowCount', async () => {
		const result = await onBoth(async (db) => {
			const inserted = await db
				.insert(schema.users)
				.values([
					{ id: 'u1', email: 'ann@example.com', passwordHash: 'h1', role: 'admin', createdAt: at },
					{ id: 'u2', email: 'bob@example.com', passwordHash: 'h2' },
					{ id: 'u3', email: 'cy@example.com', passwordHash: 'h3', stripeCustomerId: 'cus_3' }
				])
				.returning();
			const upserted = await db
				.insert(schema.users)
				.values({ id: 'u2', email: 'bob@example.com', passwordHash: 'h2' })
				.onConflictDoUpdate({ target: schema.users.id, set: { stripeCustomerId: 'cus_2' } })
				.returning({ id: schema.users.id, customer: schema.users.stripeCustomerId });
			const promoted = await changed(
				db.update(schema.users).set({ role: 'admin' }).where(eq(schema.users.role, 'user'))
			);
			const none = await changed(
				db.update(schema.users).set({ role: 'user' }).where(eq(schema.users.id, 'nobody'))
			);
			return { inserted, upserted, promoted, none, rows: await rowsOf(db, schema.users) };
		});
		expect(result).toMatchObject({
			inserted: [
				{ id: 'u1', role: 'admin', stripeCustomerId: null, createdAt: at },
				{ id: 'u2', role: 'user', createdAt: filled },
				{ id: 'u3', role: 'user', stripeCustomerId: 'cus_3' }
			],
			upserted: [{ id: 'u2', customer: 'cus_2' }],
			promoted: 2,
			none: 0
		});
	});

	it('sessions: a Buffer compared and read back, times, and a cascading delete', async () => {
		const result = await onBoth(async (db) => {
			const secret = Buffer.from([0, 1, 127, 128, 254, 255]);
			await db.insert(schema.sessions).values([
				{ id: 's1', userId: 'u1', secretHash: secret, expiresAt: later, lastVerifiedAt: at },
				{ id: 's3', userId: 'u3', secretHash: Buffer.alloc(0), expiresAt: at, lastVerifiedAt: at }
			]);
			const [found] = await db
				.select()
				.from(schema.sessions)
				.where(eq(schema.sessions.secretHash, secret))
				.limit(1);
			const expired = await db
				.select({ id: schema.sessions.id })
				.from(schema.sessions)
				.where(lte(schema.sessions.expiresAt, at));
			await db.delete(schema.users).where(eq(schema.users.id, 'u3'));
			return { found, expired, rows: await rowsOf(db, schema.sessions) };
		});
		expect(result).toMatchObject({
			found: { id: 's1', secretHash: Buffer.from([0, 1, 127, 128, 254, 255]), expiresAt: later },
			expired: [{ id: 's3' }],
			rows: [{ id: 's1', createdAt: filled }]
		});
	});

	it('stripe_prices and purchases: upsert with excluded, nullable money, enum updates', async () => {
		const result = await onBoth(async (db) => {
			const price = {
				packageId: 'basic',
				stripeAccount: 'acct',
				productId: 'prod_1',
				priceId: 'price_1',
				unitAmount: 999,
				currency: 'usd',
				credits: 100,
				syncedAt: at
			};
			await db.insert(schema.stripePrices).values(price);
			const [synced] = await db
				.insert(schema.stripePrices)
				.values({ ...price, priceId: 'price_2', syncedAt: later })
				.onConflictDoUpdate({
					target: schema.stripePrices.packageId,
					set: { priceId: sql`excluded.price_id`, syncedAt: later }
				})
				.returning();
			await db.insert(schema.purchases).values([
				{
					id: 'p1',
					userId: 'u1',
					packageId: 'basic',
					credits: 100,
					amountMinor: 999,
					currency: 'usd'
				},
				{
					id: 'p2',
					userId: 'u2',
					packageId: 'basic',
					credits: 100,
					amountMinor: 999,
					currency: 'usd',
					checkoutSessionId: 'cs_2',
					createdAt: at
				}
			]);
			const paid = await changed(
				db
					.update(schema.purchases)
					.set({ status: 'paid', paidAt: later, updatedAt: later, amountPaidMinor: 999 })
					.where(and(eq(schema.purchases.status, 'pending'), eq(schema.purchases.id, 'p2')))
			);
			await db
				.update(schema.purchases)
				.set({
					disputeStatus: 'open',
					amountRefundedMinor: sql`${schema.purchases.amountRefundedMinor} + 500`
				})
				.where(eq(schema.purchases.checkoutSessionId, 'cs_2'));
			return { synced, paid, rows: await rowsOf(db, schema.purchases) };
		});
		expect(result).toMatchObject({
			synced: { priceId: 'price_2', syncedAt: later, unitAmount: 999 },
			paid: 1,
			rows: [
				{ id: 'p1', status: 'pending', amountRefundedMinor: 0, paidAt: null, createdAt: filled },
				{ id: 'p2', status: 'paid', disputeStatus: 'open', amountRefundedMinor: 500, paidAt: later }
			]
		});
	});

	it('stripe_events and audit_log: a counting upsert, generated ids, an aggregate', async () => {
		const result = await onBoth(async (db) => {
			const event = { id: 'evt_1', type: 'checkout.session.completed', outcome: 'failed' as const };
			await db.insert(schema.stripeEvents).values({ ...event, payload: '{"a":1}' });
			const [retried] = await db
				.insert(schema.stripeEvents)
				.values({ ...event, payload: '{"a":1}' })
				.onConflictDoUpdate({
					target: schema.stripeEvents.id,
					set: { attempts: sql`${schema.stripeEvents.attempts} + 1`, outcome: 'processed' }
				})
				.returning({ attempts: schema.stripeEvents.attempts });
			const entries = await db
				.insert(schema.auditLog)
				.values([
					{
						actorId: 'u1',
						actorEmail: 'ann@example.com',
						action: 'grant',
						outcome: 'ok',
						amount: 5
					},
					{
						actorId: 'u1',
						actorEmail: 'ann@example.com',
						action: 'webhook_message_resend',
						outcome: 'refused',
						target: 'msg_1',
						createdAt: at
					}
				])
				.returning({ id: schema.auditLog.id, createdAt: schema.auditLog.createdAt });
			const [tally] = await db
				.select({ n: count(), refused: count(schema.auditLog.target) })
				.from(schema.auditLog);
			return {
				retried,
				entries,
				tally,
				events: await rowsOf(db, schema.stripeEvents),
				audit: await rowsOf(db, schema.auditLog)
			};
		});
		expect(result).toMatchObject({
			retried: { attempts: 2 },
			entries: [
				{ id: 1, createdAt: filled },
				{ id: 2, createdAt: at }
			],
			tally: { n: 2, refused: 1 },
			events: [{ outcome: 'processed', error: null, processedAt: null, createdAt: filled }]
		});
	});

	it('webhooks: JSON arrays, booleans filtered and defaulted, due messages by time', async () => {
		const result = await onBoth(async (db) => {
			await db.insert(schema.webhookEndpoints).values([
				{
					id: 'we_1',
					url: 'https://host.example/a',
					eventTypes: ['credits.granted', 'balance.low'],
					secret: 'whsec_1',
					lowBalanceThreshold: 10
				},
				{ id: 'we_2', url: 'https://host.example/b', eventTypes: [], secret: 'whsec_2' }
			]);
			const disabled = await changed(
				db
					.update(schema.webhookEndpoints)
					.set({ enabled: false, updatedAt: at })
					.where(eq(schema.webhookEndpoints.id, 'we_2'))
			);
			const enabled = await db
				.select({ id: schema.webhookEndpoints.id, types: schema.webhookEndpoints.eventTypes })
				.from(schema.webhookEndpoints)
				.where(eq(schema.webhookEndpoints.enabled, true));
			const message = {
				endpointId: 'we_1',
				eventType: 'credits.granted' as const,
				payload: '{"type":"credits.granted"}',
				attemptLimit: 3
			};
			await db.insert(schema.webhookMessages).values([
				{ ...message, id: 'msg_1', nextAttemptAt: at },
				{ ...message, id: 'msg_2', nextAttemptAt: later },
				{ ...message, id: 'msg_3', status: 'delivered', deliveredAt: at }
			]);
			const claimed = await db
				.update(schema.webhookMessages)
				.set({ claimedUntil: later, attempts: sql`${schema.webhookMessages.attempts} + 1` })
				.where(
					and(
						eq(schema.webhookMessages.status, 'pending'),
						lte(schema.webhookMessages.nextAttemptAt, at),
						isNull(schema.webhookMessages.claimedUntil)
					)
				)
				.returning({
					id: schema.webhookMessages.id,
					claimedUntil: schema.webhookMessages.claimedUntil
				});
			const attempts = await db
				.insert(schema.webhookAttempts)
				.values([
					{
						messageId: 'msg_1',
						attempt: 1,
						startedAt: at,
						durationMs: 12,
						responseStatus: 500,
						responseSnippet: 'no',
						delivered: false
					},
					{
						messageId: 'msg_3',
						attempt: 1,
						startedAt: at,
						durationMs: 3,
						responseStatus: null,
						responseSnippet: '',
						delivered: true
					}
				])
				.returning();
			return {
				disabled,
				enabled,
				claimed,
				attempts,
				endpoints: await rowsOf(db, schema.webhookEndpoints),
				messages: await rowsOf(db, schema.webhookMessages)
			};
		});
		expect(result).toMatchObject({
			disabled: 1,
			enabled: [{ id: 'we_1', types: ['credits.granted', 'balance.low'] }],
			claimed: [{ id: 'msg_1', claimedUntil: later }],
			attempts: [
				{ id: 1, delivered: false, responseStatus: 500 },
				{ id: 2, delivered: true, responseStatus: null }
			],
			endpoints: [
				{ id: 'we_1', enabled: true, description: '', updatedAt: null, createdAt: filled },
				{ id: 'we_2', enabled: false, eventTypes: [], updatedAt: at }
			],
			messages: [
				{ id: 'msg_1', status: 'pending', attempts: 1 },
				{ id: 'msg_2', attempts: 0, claimedUntil: null },
				{ id: 'msg_3', status: 'delivered', deliveredAt: at }
			]
		});
	});

	it('api_keys and api_responses: bytes, a reference to a generated id, insert-or-nothing', async () => {
		const result = await onBoth(async (db) => {
			const [key] = await db
				.insert(schema.apiKeys)
				.values({ name: 'host', prefix: 'ck_a', secretHash: Buffer.alloc(32, 7), createdBy: 'cli' })
				.returning();
			const response = {
				idempotencyKey: 'i1',
				requestHash: 'h',
				status: 200,
				body: '{}',
				apiKeyId: key.id
			};
			const first = await db
				.insert(schema.apiResponses)
				.values(response)
				.onConflictDoNothing()
				.returning();
			const again = await db
				.insert(schema.apiResponses)
				.values({ ...response, body: '{"other":true}' })
				.onConflictDoNothing()
				.returning();
			const used = await changed(
				db
					.update(schema.apiKeys)
					.set({ lastUsedAt: at })
					.where(and(eq(schema.apiKeys.prefix, 'ck_a'), isNull(schema.apiKeys.revokedAt)))
			);
			return {
				key,
				first,
				again,
				used,
				keys: await rowsOf(db, schema.apiKeys),
				responses: await rowsOf(db, schema.apiResponses)
			};
		});
		expect(result).toMatchObject({
			key: { id: 1, secretHash: Buffer.alloc(32, 7), lastUsedAt: null, createdAt: filled },
			first: [{ idempotencyKey: 'i1', apiKeyId: 1 }],
			again: [],
			used: 1,
			responses: [{ body: '{}', createdAt: filled }]
		});
	});

	it('the ledger: written by each backend’s ledger, read through SQLite’s ledger table objects', async () => {
		const result = await onBoth(async (db, ledger) => {
			const base = { userId: 'u1', actor: 'admin:u1' };
			const grant = await ledger.grant({
				...base,
				amount: 100,
				category: 'paid',
				reference: 'p1',
				idempotencyKey: 'g1'
			});
			await ledger.grant({
				...base,
				amount: 30,
				category: 'free',
				expiresAt: later,
				reason: 'welcome',
				idempotencyKey: 'g2'
			});
			await ledger.spend({ ...base, amount: 40, idempotencyKey: 's1' });
			const hold = await ledger.hold({
				...base,
				amount: 20,
				expiresAt: later,
				idempotencyKey: 'h1'
			});
			if (!grant.ok || !hold.ok) throw new Error('the ledger refused a write');
			await ledger.capture({ holdId: hold.holdId, amount: 5, actor: 'app', idempotencyKey: 'c1' });
			await db
				.insert(schema.transferMetadata)
				.values({ transferId: grant.transferId, metadata: { order: '42', 'a b': 'ü' } });
			return {
				transfers: await rowsOf(db, schema.transfers),
				lots: await rowsOf(db, schema.lots),
				holds: await rowsOf(db, schema.holds),
				allocations: await rowsOf(db, schema.allocations),
				account: await db
					.select({
						debits: schema.accounts.debitsPosted,
						credits: schema.accounts.creditsPosted,
						pending: schema.accounts.debitsPending,
						createdAt: schema.accounts.createdAt
					})
					.from(schema.accounts)
					.where(eq(schema.accounts.userId, 'u1')),
				metadata: await rowsOf(db, schema.transferMetadata)
			};
		});
		expect(result).toMatchObject({
			transfers: [
				{ code: 'grant', amount: 100, reference: 'p1', createdAt: clock() },
				{ code: 'grant', amount: 30, reason: 'welcome' },
				{ code: 'spend', amount: 40 },
				{ code: 'hold', amount: 20 },
				{ code: 'release', amount: 15, idempotencyKey: 'ledger:release:hold:1' },
				{ code: 'capture', amount: 5 }
			],
			lots: [
				{ category: 'paid', expiresAt: null },
				{ category: 'free', expiresAt: later }
			],
			holds: [{ status: 'captured', capturedAmount: 5, expiresAt: later, resolvedAt: clock() }],
			account: [{ createdAt: clock() }],
			metadata: [{ metadata: { order: '42', 'a b': 'ü' } }]
		});
	});
});
