import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../index';
import * as schema from '../schema';
import { copyMigrations } from '../testing/migrations';
import { migratePostgres } from './index';
import { asAppDb, createPgTestDatabase, type PgTestDatabase } from './testing';

const at = '2030-01-02T03:04:05.678Z';
const ms = Date.parse(at);

/** Rows as 0004 stored them: timestamptz, boolean and jsonb where SQLite has ms, 0/1 and text. */
const rowsBefore = `
	INSERT INTO users (id, email, password_hash, created_at) VALUES ('u1', 'ann@example.com', 'h', '${at}');
	INSERT INTO users (id, email, password_hash) VALUES ('u2', 'bob@example.com', 'h');
	INSERT INTO sessions (id, user_id, secret_hash, expires_at, last_verified_at, created_at)
		VALUES ('s1', 'u1', '\\x0001feff', '${at}', '${at}'::timestamptz + interval '1 ms', '${at}');
	INSERT INTO purchases (id, user_id, package_id, credits, amount_minor, currency, status, paid_at, created_at)
		VALUES ('p1', 'u1', 'basic', 100, 999, 'usd', 'paid', '${at}', '${at}');
	INSERT INTO stripe_prices VALUES ('basic', 'acct', 'prod', 'price', 999, 'usd', 100, '${at}');
	INSERT INTO stripe_events (id, type, outcome, payload, created_at) VALUES ('evt', 't', 'processed', '{}', '${at}');
	INSERT INTO audit_log (actor_id, actor_email, action, outcome, created_at)
		VALUES ('u1', 'ann@example.com', 'grant', 'ok', '${at}');
	INSERT INTO webhook_endpoints (id, url, event_types, secret, enabled, created_at)
		VALUES ('we1', 'https://h.example', '["credits.granted", "balance.low"]', 'whsec', false, '${at}');
	INSERT INTO webhook_endpoints (id, url, event_types, secret, created_at)
		VALUES ('we2', 'https://h.example', '[]', 'whsec', '${at}');
	INSERT INTO webhook_messages (id, endpoint_id, event_type, payload, attempt_limit, next_attempt_at, delivered_at, created_at)
		VALUES ('msg', 'we1', 'credits.granted', '{}', 3, '${at}', '${at}', '${at}');
	INSERT INTO webhook_attempts (message_id, attempt, started_at, duration_ms, response_snippet, delivered)
		VALUES ('msg', 1, '${at}', 5, 'ok', true), ('msg', 2, '${at}', 5, 'no', false);
	INSERT INTO api_keys (name, prefix, secret_hash, created_by, last_used_at, created_at)
		VALUES ('k', 'ck_1', '\\x00', 'cli', '${at}', '${at}');
	INSERT INTO api_responses (idempotency_key, request_hash, status, body, api_key_id, created_at)
		VALUES ('i', 'h', 200, '{}', 1, '${at}');
	INSERT INTO accounts (id, kind, user_id, created_at) OVERRIDING SYSTEM VALUE VALUES (7, 'user', 'u1', 0);
	INSERT INTO transfers (id, debit_account_id, credit_account_id, user_account_id, amount, code,
		idempotency_key, actor, balance_after, available_after, created_at)
		OVERRIDING SYSTEM VALUE VALUES (1, 2, 7, 7, 10, 'grant', 'g', 's', 10, 10, 0);
	INSERT INTO transfer_metadata VALUES (1, '{"order": "42"}');`;

describe('drizzle-pg/0005_shared_storage', () => {
	const dir = mkdtempSync(join(tmpdir(), 'migrate-pg-'));
	let database: PgTestDatabase;
	let db: Db;
	let u2CreatedAt: number;
	beforeAll(async () => {
		database = await createPgTestDatabase({ migrated: false, max: 1 });
		const through0004 = copyMigrations(dir, (entries) => entries.slice(0, 5), 'drizzle-pg');
		await migratePostgres(database.db, through0004);
		await database.db.$client.query(rowsBefore);
		const { rows } = await database.db.$client.query(
			`SELECT (extract(epoch FROM created_at) * 1000)::float8 AS ms FROM users WHERE id = 'u2'`
		);
		u2CreatedAt = rows[0].ms;
		await migratePostgres(database.db);
		db = asAppDb(database.db);
	});
	afterAll(async () => {
		await database.drop();
		rmSync(dir, { recursive: true, force: true });
	});

	it('keeps every row, its times as ms, flags as 0/1 and JSON as text', async () => {
		const { rows } = await database.db.$client.query(`SELECT
			(SELECT created_at FROM users WHERE id = 'u1') AS user,
			(SELECT row(expires_at, last_verified_at, created_at)::text FROM sessions) AS session,
			(SELECT row(paid_at, updated_at, created_at)::text FROM purchases) AS purchase,
			(SELECT synced_at FROM stripe_prices) AS synced,
			(SELECT created_at FROM audit_log) AS audit,
			(SELECT array_agg(row(enabled, event_types)::text ORDER BY id)::text FROM webhook_endpoints) AS endpoints,
			(SELECT row(next_attempt_at, claimed_until, delivered_at)::text FROM webhook_messages) AS message,
			(SELECT array_agg(delivered ORDER BY attempt)::text FROM webhook_attempts) AS delivered,
			(SELECT row(last_used_at, revoked_at)::text FROM api_keys) AS key,
			(SELECT metadata FROM transfer_metadata) AS metadata`);
		expect(rows[0]).toEqual({
			user: ms,
			session: `(${ms},${ms + 1},${ms})`,
			purchase: `(${ms},,${ms})`,
			synced: ms,
			audit: ms,
			endpoints: `{"(0,\\"[\\"\\"credits.granted\\"\\", \\"\\"balance.low\\"\\"]\\")","(1,[])"}`,
			message: `(${ms},,${ms})`,
			delivered: '{1,0}',
			key: `(${ms},)`,
			metadata: '{"order": "42"}'
		});
		const [u2] = await database.db.$client
			.query(`SELECT created_at FROM users WHERE id = 'u2'`)
			.then((result) => result.rows);
		expect(u2.created_at).toBe(Math.floor(u2CreatedAt));
	});

	it('reads back through the SQLite table objects as the app wrote them', async () => {
		const endpoints = await db
			.select({
				enabled: schema.webhookEndpoints.enabled,
				types: schema.webhookEndpoints.eventTypes
			})
			.from(schema.webhookEndpoints)
			.orderBy(schema.webhookEndpoints.id);
		expect(endpoints).toEqual([
			{ enabled: false, types: ['credits.granted', 'balance.low'] },
			{ enabled: true, types: [] }
		]);
		const [session] = await db.select().from(schema.sessions);
		expect(session).toMatchObject({
			secretHash: Buffer.from([0, 1, 254, 255]),
			expiresAt: new Date(at),
			lastVerifiedAt: new Date(ms + 1)
		});
		const [metadata] = await db.select().from(schema.transferMetadata);
		expect(metadata.metadata).toEqual({ order: '42' });
	});

	it('fills created_at and enabled by default, in ms and 0/1', async () => {
		const before = Date.now();
		await database.db.$client.query(
			`INSERT INTO webhook_endpoints (id, url, event_types, secret) VALUES ('we3', 'u', '[]', 's')`
		);
		const after = Date.now();
		const { rows } = await database.db.$client.query(
			`SELECT created_at, enabled FROM webhook_endpoints WHERE id = 'we3'`
		);
		expect(rows[0].enabled).toBe(1);
		expect(rows[0].created_at).toBeGreaterThanOrEqual(before);
		expect(rows[0].created_at).toBeLessThanOrEqual(after);
	});

	it('keeps the audit log append-only', async () => {
		await expect(database.db.$client.query(`UPDATE audit_log SET created_at = 0`)).rejects.toThrow(
			/the audit log is append-only/
		);
		await expect(database.db.$client.query(`DELETE FROM audit_log`)).rejects.toThrow(
			/the audit log is append-only/
		);
	});
});
