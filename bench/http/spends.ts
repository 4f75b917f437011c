import { eq } from 'drizzle-orm';
import { openDatabase } from '../../src/lib/server/db/index';
import { transfers } from '../../src/lib/server/db/schema';
import type { Load } from './load';

/** The idempotency keys of the spends sent, and of those answered 200 with the transfer answered. */
export type SpendLog = { sent: Set<string>; answered: Map<string, number> };

export function createSpendLog(): SpendLog {
	return { sent: new Set(), answered: new Map() };
}

const keyPattern = /bench-w\d+-\d{9}$/;

/** One credit per spend, round the users, each with an idempotency key of its own. */
export function spendLoad(
	url: string,
	authorization: string,
	userIds: string[],
	run: string,
	log: SpendLog
): Load {
	const keyOf = (n: number) => `bench-${run}-${String(n).padStart(9, '0')}`;
	return {
		url: `${url}/api/v1/spend`,
		method: 'POST',
		headers: { authorization, 'content-type': 'application/json' },
		request: (n) => {
			log.sent.add(keyOf(n));
			return {
				body: JSON.stringify({
					user_id: userIds[n % userIds.length],
					amount: 1,
					idempotency_key: keyOf(n),
					reason: 'bench'
				})
			};
		},
		onResponse: (status, body, n) => {
			if (status !== 200) return;
			log.answered.set(
				keyOf(n),
				Number((JSON.parse(body) as { transfer_id: unknown }).transfer_id)
			);
		}
	};
}

export type SpendCheck = {
	problems: string[];
	/** Sent as a run ended, so autocannon stopped listening before the answer: stored or not, both fine. */
	unanswered: number;
};

/**
 * Compares the spend transfers on the database with the log: an answered spend must have exactly one
 * transfer, the one it was answered with, and no transfer may exist for a key never sent. The API may
 * prefix the keys it hands the ledger, so keys are matched by their end.
 */
export async function checkSpends(databaseUrl: string, log: SpendLog): Promise<SpendCheck> {
	const db = openDatabase(databaseUrl, { migrate: false });
	try {
		const rows = await db
			.select({ id: transfers.id, key: transfers.idempotencyKey })
			.from(transfers)
			.where(eq(transfers.code, 'spend'));
		const problems: string[] = [];
		const stored = new Map<string, number[]>();
		for (const row of rows) {
			const key = keyPattern.exec(row.key)?.[0];
			if (key === undefined || !log.sent.has(key))
				problems.push(`transfer ${row.id}: key ${row.key} never sent`);
			else stored.set(key, [...(stored.get(key) ?? []), row.id]);
		}
		for (const [key, ids] of stored)
			if (ids.length > 1) problems.push(`${key}: ${ids.length} transfers (${ids.join(', ')})`);
		for (const [key, transferId] of log.answered) {
			const ids = stored.get(key);
			if (!ids) problems.push(`${key}: answered 200 with transfer ${transferId}, none stored`);
			else if (!ids.includes(transferId))
				problems.push(`${key}: answered with transfer ${transferId}, stored ${ids.join(', ')}`);
		}
		return { problems, unanswered: log.sent.size - log.answered.size };
	} finally {
		db.$client.close();
	}
}
