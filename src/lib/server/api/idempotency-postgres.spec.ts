import { describe, expect, it } from 'vitest';
import { asAppDb, usePgTestDatabase } from '../db/pg/testing';
import { ledger } from '../db/unit';
import { runOnce } from './idempotency';

describe('runOnce on PostgreSQL', () => {
	const database = usePgTestDatabase({ max: 8 });

	it('answers requests racing with one new key once each, the same 200, and grants once', async () => {
		const db = asAppDb(database().db);
		const request = { key: 'race-key', fingerprint: 'same', apiKeyId: null };
		const replies = await Promise.all(
			Array.from({ length: 6 }, () =>
				runOnce(db, request, function* () {
					const granted = yield* ledger((l) =>
						l.grant({
							userId: 'ann',
							amount: 10,
							category: 'free',
							actor: 'api',
							idempotencyKey: 'race-key'
						})
					);
					return { status: 200, body: JSON.stringify({ ok: granted.ok }) };
				})
			)
		);
		expect(replies.map((reply) => [reply.status, reply.body])).toEqual(
			Array.from({ length: 6 }, () => [200, '{"ok":true}'])
		);
		expect(replies.filter((reply) => !reply.replayed)).toHaveLength(1);
		const { rows } = await database().db.$client.query(
			"SELECT count(*) AS n FROM transfers WHERE idempotency_key = 'race-key'"
		);
		expect(rows[0].n).toBe(1);
	});
});
