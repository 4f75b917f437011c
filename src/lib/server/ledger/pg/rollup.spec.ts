import { beforeAll, describe, expect, it } from 'vitest';
import { usePgTestDatabase } from '../../db/pg/testing';
import type { AsyncLedger } from '../async';
import { createPgLedger } from './index';

const database = usePgTestDatabase();
let ledger: AsyncLedger;
const now = Date.UTC(2030, 0, 1);

beforeAll(() => {
	ledger = createPgLedger(database().db, { now: () => new Date(now) });
});

const query = async (text: string, values: unknown[] = []) =>
	(await database().db.$client.query(text, values)).rows;

/** Each system account's counters as stored, and as the sums over every committed transfer. */
async function systemCounters() {
	const stored = await query(
		`SELECT kind, debits_posted, credits_posted, debits_pending, credits_pending FROM accounts
		WHERE user_id IS NULL ORDER BY id`
	);
	const summed = await query(
		`SELECT s.kind,
			coalesce(sum(e.posted) FILTER (WHERE t.debit_account_id = s.id), 0) AS debits_posted,
			coalesce(sum(e.posted) FILTER (WHERE t.credit_account_id = s.id), 0) AS credits_posted,
			coalesce(sum(e.pending) FILTER (WHERE t.debit_account_id = s.id), 0) AS debits_pending,
			coalesce(sum(e.pending) FILTER (WHERE t.credit_account_id = s.id), 0) AS credits_pending
		FROM accounts s LEFT JOIN transfers t ON s.id IN (t.debit_account_id, t.credit_account_id)
		LEFT JOIN LATERAL ledger_effect(t.code, t.hold_id, t.amount) e ON true
		WHERE s.user_id IS NULL GROUP BY s.id, s.kind ORDER BY s.id`
	);
	return { stored, summed };
}

const spend = (userId: string, idempotencyKey: string) =>
	ledger.spend({ userId, amount: 2, actor: 'user', idempotencyKey });

describe('rollUp on PostgreSQL', () => {
	it('never skips a transfer whose lower id commits after a higher one', async () => {
		for (const userId of ['ann', 'bob']) {
			await ledger.grant({
				userId,
				amount: 10,
				category: 'paid',
				actor: 'admin:1',
				idempotencyKey: `grant-${userId}`
			});
		}
		expect(await ledger.rollUp()).toEqual({ after: 0, through: 2 });

		let lowerId = 0;
		const slow = await database().db.$client.connect();
		try {
			await slow.query('BEGIN');
			const { rows } = await slow.query(
				`SELECT ledger_spend('ann', 2, NULL, NULL, 'user', 'slow', $1) AS result`,
				[now]
			);
			lowerId = rows[0].result.transferId;
			const fast = await spend('bob', 'fast');
			expect(fast).toMatchObject({ ok: true });
			expect((fast as { transferId: number }).transferId).toBeGreaterThan(lowerId);

			// Only bob's spend has committed: a mark "rolled up through id N" would now pass ann's by.
			expect(await ledger.rollUp()).toEqual({ after: lowerId, through: lowerId + 1 });
			const counters = await systemCounters();
			expect(counters.stored).toEqual(counters.summed);
			await slow.query('COMMIT');
		} finally {
			slow.release(true);
		}

		const before = await systemCounters();
		expect(before.stored).not.toEqual(before.summed);
		expect(await ledger.rollUp()).toEqual({ after: lowerId - 1, through: lowerId });
		const after = await systemCounters();
		expect(after.stored).toEqual(after.summed);
		expect(after.stored.find((row) => row.kind === 'spent')).toMatchObject({ credits_posted: 4 });
		expect(await query('SELECT * FROM rollup_queue')).toEqual([]);
	});

	it('adds nothing while another session rolls up, and everything after it commits', async () => {
		await spend('ann', 'queued-1');
		await spend('bob', 'queued-2');
		const other = await database().db.$client.connect();
		try {
			await other.query('BEGIN');
			await other.query('SELECT ledger_roll_up()');
			await spend('ann', 'queued-3');
			const idle = await ledger.rollUp();
			expect(idle.through).toBe(idle.after);
			await other.query('COMMIT');
		} finally {
			other.release(true);
		}
		await ledger.rollUp();
		const counters = await systemCounters();
		expect(counters.stored).toEqual(counters.summed);
		expect(counters.stored.find((row) => row.kind === 'spent')).toMatchObject({
			credits_posted: 10
		});
	});
});
