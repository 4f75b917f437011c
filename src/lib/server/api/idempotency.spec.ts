import { describe, expect, it } from 'vitest';
import { sqliteLedgerFor } from '../app-ledger';
import type { Db } from '../db';
import { apiResponses } from '../db/schema';
import type { Unit } from '../db/unit';
import { spendCredits } from './credits';
import { errorReply, type Reply } from './errors';
import { fingerprintOf, runOnce } from './idempotency';
import { apiTestDb } from './testing/database';

const caller = { kind: 'key', keyId: 1 } as const;
const request = (key: string, body: object) => ({
	key,
	fingerprint: fingerprintOf('/api/v1/spend', {}, body),
	apiKeyId: null
});

function spendOnce(db: Db, key: string, amount: number) {
	const body = { user_id: 'ada', amount, idempotency_key: key, reason: 'export' };
	return runOnce(db, request(key, body), function* (tx): Unit<Reply> {
		const outcome = yield* spendCredits(tx, caller, body);
		return outcome.ok
			? { status: 200, body: JSON.stringify(outcome.value) }
			: errorReply(outcome.error);
	});
}

describe('runOnce', () => {
	it('stores the first 200 and replays it byte for byte; another body with the key is a conflict', async () => {
		const db = await apiTestDb(['ada']);
		const first = await spendOnce(db, 'k1', 10);
		expect(first).toMatchObject({ status: 200, replayed: false });
		expect(await spendOnce(db, 'k1', 10)).toEqual({ ...first, replayed: true });
		const conflict = await spendOnce(db, 'k1', 11);
		expect(conflict.status).toBe(409);
		expect(JSON.parse(conflict.body).error.code).toBe('idempotency_conflict');
		expect(sqliteLedgerFor(db).balance('ada').balance).toBe(90);
	});

	it('keeps no failure: a retry after the cause is gone runs again', async () => {
		const db = await apiTestDb(['ada'], 5);
		expect((await spendOnce(db, 'k2', 10)).status).toBe(402);
		expect(db.select().from(apiResponses).all()).toEqual([]);
		sqliteLedgerFor(db).grant({
			userId: 'ada',
			amount: 10,
			category: 'paid',
			actor: 'system',
			idempotencyKey: 'top-up'
		});
		expect(await spendOnce(db, 'k2', 10)).toMatchObject({ status: 200, replayed: false });
	});

	it('commits the ledger write and the stored response together, or neither', async () => {
		const db = await apiTestDb(['ada']);
		const body = { user_id: 'ada', amount: 10, idempotency_key: 'k3', reason: 'export' };
		await expect(
			runOnce(db, request('k3', body), function* (tx) {
				expect((yield* spendCredits(tx, caller, body)).ok).toBe(true);
				// As if the process died after the ledger wrote, before the response was stored.
				throw new Error('crash');
			})
		).rejects.toThrow('crash');
		expect(sqliteLedgerFor(db).balance('ada').balance).toBe(100);
		expect(sqliteLedgerFor(db).transfers({ userId: 'ada' }).items).toHaveLength(1);
		expect(db.select().from(apiResponses).all()).toEqual([]);
		expect(await spendOnce(db, 'k3', 10)).toMatchObject({ status: 200, replayed: false });
		expect(db.select().from(apiResponses).all()).toHaveLength(1);
	});
});
