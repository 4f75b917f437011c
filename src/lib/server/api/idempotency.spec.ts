import { describe, expect, it } from 'vitest';
import { getLedgerFor } from '../app-ledger';
import { apiResponses } from '../db/schema';
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

function spendOnce(db: ReturnType<typeof apiTestDb>, key: string, amount: number) {
	const body = { user_id: 'ada', amount, idempotency_key: key, reason: 'export' };
	return runOnce(db, request(key, body), (): Reply => {
		const outcome = spendCredits(db, caller, body);
		return outcome.ok
			? { status: 200, body: JSON.stringify(outcome.value) }
			: errorReply(outcome.error);
	});
}

describe('runOnce', () => {
	it('stores the first 200 and replays it byte for byte; another body with the key is a conflict', () => {
		const db = apiTestDb(['ada']);
		const first = spendOnce(db, 'k1', 10);
		expect(first).toMatchObject({ status: 200, replayed: false });
		expect(spendOnce(db, 'k1', 10)).toEqual({ ...first, replayed: true });
		const conflict = spendOnce(db, 'k1', 11);
		expect(conflict.status).toBe(409);
		expect(JSON.parse(conflict.body).error.code).toBe('idempotency_conflict');
		expect(getLedgerFor(db).balance('ada').balance).toBe(90);
	});

	it('keeps no failure: a retry after the cause is gone runs again', () => {
		const db = apiTestDb(['ada'], 5);
		expect(spendOnce(db, 'k2', 10).status).toBe(402);
		expect(db.select().from(apiResponses).all()).toEqual([]);
		getLedgerFor(db).grant({
			userId: 'ada',
			amount: 10,
			category: 'paid',
			actor: 'system',
			idempotencyKey: 'top-up'
		});
		expect(spendOnce(db, 'k2', 10)).toMatchObject({ status: 200, replayed: false });
	});

	it('commits the ledger write and the stored response together, or neither', () => {
		const db = apiTestDb(['ada']);
		const body = { user_id: 'ada', amount: 10, idempotency_key: 'k3', reason: 'export' };
		expect(() =>
			runOnce(db, request('k3', body), () => {
				expect(spendCredits(db, caller, body).ok).toBe(true);
				// As if the process died after the ledger wrote, before the response was stored.
				throw new Error('crash');
			})
		).toThrow('crash');
		expect(getLedgerFor(db).balance('ada').balance).toBe(100);
		expect(getLedgerFor(db).transfers({ userId: 'ada' }).items).toHaveLength(1);
		expect(db.select().from(apiResponses).all()).toEqual([]);
		expect(spendOnce(db, 'k3', 10)).toMatchObject({ status: 200, replayed: false });
		expect(db.select().from(apiResponses).all()).toHaveLength(1);
	});
});
