import type Database from 'better-sqlite3';
import { creditedStates } from '../../src/lib/server/stripe/fulfil';
import type { Delivery } from '../../tools/stripe-emulator/webhooks';
import { acknowledged, refused, replayed } from './answers';
import { answered, type Attempt, type Sent } from './driver';

export type Findings = {
	problems: string[];
	/** First attempts: answered 2xx (303 for forms), refused for a business reason, unanswered. */
	acknowledged: number;
	refused: number;
	unanswered: number;
	/** Retries of unanswered writes that found their first attempt applied before the kill. */
	appliedBeforeKill: number;
	/** Writes confirmed by a server that was then killed, sent again and replayed as first answered. */
	replayed: number;
	transfers: number;
	purchasesCredited: number;
	events: number;
	failedDeliveries: number;
	redeliveredEvents: number;
};

type TransferRow = { id: number; code: string; holdId: number | null; amount: number };

// The codes each request's own transfer carries.
const codeOf: Record<string, string> = {
	spend: 'spend',
	grant: 'grant',
	hold: 'hold',
	capture: 'capture',
	release: 'release',
	'admin-grant': 'grant'
};

function describe(sent: Sent, attempt: Attempt | undefined): string {
	const what = `${sent.kind} ${sent.request.path}${sent.ledgerKey ? ` (${sent.ledgerKey})` : ''}`;
	if (!attempt) return `${what}: never sent again`;
	if (!answered(attempt)) return `${what}: ${attempt.error} (server run ${attempt.server})`;
	return `${what}: ${attempt.status} ${attempt.body.slice(0, 200)}`;
}

/**
 * Reads the database after the run and names every broken promise: a confirmed write missing or
 * doubled, half of a write without the other half, an answer the client could not have expected.
 */
export function checkRun(
	db: Database.Database,
	sent: Sent[],
	lastServer: number,
	emulator: { eventIds: string[]; deliveries: Delivery[] }
): Findings {
	const problems: string[] = [];
	const byKey = db.prepare(
		'SELECT id, code, hold_id AS holdId, amount FROM transfers WHERE idempotency_key = ?'
	);
	const storedBody = db.prepare('SELECT body FROM api_responses WHERE idempotency_key = ?').pluck();
	const metadataRows = db
		.prepare('SELECT count(*) FROM transfer_metadata WHERE transfer_id = ?')
		.pluck();
	let appliedBeforeKill = 0;

	for (const entry of sent) {
		for (const attempt of [entry.first, entry.retry, entry.replay]) {
			// Only a kill may leave a request unanswered: the last run of the server is never killed.
			if (attempt && !answered(attempt) && attempt.server === lastServer)
				problems.push(`no answer from a live server: ${describe(entry, attempt)}`);
			if (answered(attempt) && !acknowledged(entry, attempt) && !refused(entry, attempt))
				problems.push(`unexpected answer: ${describe(entry, attempt)}`);
		}
		if (!entry.ledgerKey) continue;
		const final = answered(entry.first) ? entry.first : entry.retry;
		if (!answered(entry.first) && !answered(entry.retry)) {
			problems.push(`unanswered, and so was its retry: ${describe(entry, entry.retry)}`);
			continue;
		}
		if (replayed(entry, entry.retry)) appliedBeforeKill++;
		if (entry.replay && !replayed(entry, entry.replay))
			problems.push(
				`confirmed before a kill, but not replayed after: ${describe(entry, entry.replay)}`
			);
		if (answered(entry.replay) && entry.responseKey && answered(entry.first))
			if (entry.replay.body !== entry.first.body)
				problems.push(`replayed a different answer: ${describe(entry, entry.replay)}`);
		const rows = byKey.all(entry.ledgerKey) as TransferRow[];
		if (refused(entry, final)) {
			if (rows.length > 0) problems.push(`refused but written: ${describe(entry, final)}`);
			continue;
		}
		if (!acknowledged(entry, final)) continue;
		if (rows.length !== 1) {
			problems.push(`confirmed ${rows.length} times in the ledger: ${describe(entry, final)}`);
			continue;
		}
		const [row] = rows;
		if (row.code !== codeOf[entry.kind])
			problems.push(`transfer ${row.id} is a ${row.code}: ${describe(entry, final)}`);
		if (!answered(final) || !entry.responseKey) continue;
		const body = JSON.parse(final.body) as { transfer_id?: number; hold_id?: number };
		if (body.transfer_id !== undefined && body.transfer_id !== row.id)
			problems.push(`answered transfer ${body.transfer_id}, ledger has ${row.id}`);
		if (entry.kind === 'hold' && body.hold_id !== row.holdId)
			problems.push(`answered hold ${body.hold_id}, ledger has ${row.holdId}`);
		if (storedBody.get(entry.responseKey) !== final.body)
			problems.push(`stored response differs from the answer: ${describe(entry, final)}`);
		if (entry.withMetadata && metadataRows.get(row.id) !== 1)
			problems.push(`spend ${row.id} lost its metadata: ${describe(entry, final)}`);
	}

	problems.push(...halfWrites(db), ...paidButNotCredited(db, sent));
	const webhooks = checkWebhooks(db, emulator);
	problems.push(...webhooks.problems);
	const first = sent.map((entry) => entry.first);
	return {
		problems,
		acknowledged: sent.filter((entry) => acknowledged(entry, entry.first)).length,
		refused: sent.filter((entry) => refused(entry, entry.first)).length,
		unanswered: first.filter((attempt) => !answered(attempt)).length,
		appliedBeforeKill,
		replayed: sent.filter((entry) => replayed(entry, entry.replay)).length,
		transfers: db.prepare('SELECT count(*) FROM transfers').pluck().get() as number,
		purchasesCredited: db
			.prepare(`SELECT count(*) FROM purchases WHERE status IN (${placeholders(creditedStates)})`)
			.pluck()
			.get(...creditedStates) as number,
		events: emulator.eventIds.length,
		failedDeliveries: webhooks.failed,
		redeliveredEvents: webhooks.redelivered
	};
}

const placeholders = (values: readonly unknown[]) => values.map(() => '?').join(', ');

/** Rows that must be written together, found apart: each query returns one line per broken pair. */
function halfWrites(db: Database.Database): string[] {
	const queries: [string, readonly string[]][] = [
		[
			`SELECT 'api response ' || r.idempotency_key || ' stored without its transfer' FROM api_responses r
			WHERE NOT EXISTS (SELECT 1 FROM transfers t WHERE t.idempotency_key = 'api:' || r.idempotency_key)`,
			[]
		],
		[
			`SELECT 'transfer ' || t.id || ' (' || t.idempotency_key || ') without its stored api response' FROM transfers t
			WHERE t.idempotency_key LIKE 'api:%'
			AND NOT EXISTS (SELECT 1 FROM api_responses r WHERE 'api:' || r.idempotency_key = t.idempotency_key)`,
			[]
		],
		[
			`SELECT 'purchase ' || p.id || ' is ' || p.status || ' with ' || count(t.id) || ' credit transfers'
			FROM purchases p LEFT JOIN transfers t ON t.idempotency_key = 'purchase:' || p.id AND t.amount = p.credits
			GROUP BY p.id HAVING count(t.id) <> (p.status IN (${placeholders(creditedStates)}))`,
			creditedStates
		],
		[
			`SELECT 'transfer ' || t.id || ' credits a purchase that does not exist' FROM transfers t
			WHERE t.code = 'purchase' AND NOT EXISTS (SELECT 1 FROM purchases p WHERE 'purchase:' || p.id = t.idempotency_key)`,
			[]
		],
		[
			`SELECT 'admin grant ' || t.idempotency_key || ' has ' || count(a.id) || ' audit entries' FROM transfers t
			LEFT JOIN audit_log a ON a.idempotency_key = t.idempotency_key AND a.outcome = 'ok'
			WHERE t.idempotency_key LIKE 'admin-grant:%' GROUP BY t.id HAVING count(a.id) <> 1`,
			[]
		],
		[
			`SELECT 'audit entry ' || a.id || ' records grant ' || a.idempotency_key || ', which is not in the ledger'
			FROM audit_log a WHERE a.action = 'grant' AND a.outcome = 'ok'
			AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.idempotency_key = a.idempotency_key)`,
			[]
		]
	];
	return queries.flatMap(
		([query, params]) =>
			db
				.prepare(query)
				.pluck()
				.all(...params) as string[]
	);
}

/** A payment the hosted page took (303) must end as a credited purchase. */
function paidButNotCredited(db: Database.Database, sent: Sent[]): string[] {
	const status = db.prepare('SELECT status FROM purchases WHERE checkout_session_id = ?').pluck();
	return sent
		.filter((entry) => entry.kind === 'pay' && acknowledged(entry, entry.first))
		.flatMap((entry) => {
			const sessionId = entry.request.path.split('/').pop()!;
			const found = status.get(sessionId) as (typeof creditedStates)[number] | undefined;
			return found && creditedStates.includes(found)
				? []
				: [`session ${sessionId} was paid but its purchase is ${found ?? 'missing'}`];
		});
}

/** Every event the emulator sent ends processed (or ignored) once; one that failed was sent again. */
function checkWebhooks(
	db: Database.Database,
	{ eventIds, deliveries }: { eventIds: string[]; deliveries: Delivery[] }
) {
	const problems: string[] = [];
	const outcome = db.prepare('SELECT outcome FROM stripe_events WHERE id = ?').pluck();
	for (const id of eventIds) {
		const found = outcome.get(id) as string | undefined;
		if (found !== 'processed' && found !== 'ignored')
			problems.push(`event ${id} ended ${found ?? 'never recorded'}`);
	}
	const ok = (delivery: Delivery) =>
		delivery.status !== null && delivery.status >= 200 && delivery.status < 300;
	const failed = deliveries.filter((delivery) => !ok(delivery));
	const delivered = new Set(deliveries.filter(ok).map((delivery) => delivery.event_id));
	for (const id of new Set(failed.map((delivery) => delivery.event_id)))
		if (!delivered.has(id)) problems.push(`event ${id} failed and was never delivered again`);
	// A retry is any attempt after the first: the emulator sends one only after a failure.
	const redelivered = new Set(
		deliveries.filter((d) => ok(d) && d.attempt > 1).map((delivery) => delivery.event_id)
	);
	return { problems, failed: failed.length, redelivered: redelivered.size };
}
