/**
 * Ledger spends against raw better-sqlite3, each on its own file database opened by openDatabase
 * (WAL, synchronous=NORMAL). Prints `name: value unit` lines; `ratio` is ledger_spend / raw.
 * Then the same on PostgreSQL (ledger-pg.ts), its lines prefixed `pg_`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteLedgerFor } from '../src/lib/server/app-ledger';
import { openDatabase } from '../src/lib/server/db/index';
import { createLedger, type Ledger } from '../src/lib/server/ledger/index';
import { createRawSpender, createSameWritesSpender } from './baselines';
import { benchPostgres } from './ledger-pg';
import { dayMs } from '../src/lib/time';

const operations = Number(process.env.BENCH_OPERATIONS ?? 100_000);
const accounts = 1_000;
const warmup = 2_000;
const chunk = 10_000;
const perLot = Math.ceil((operations + warmup) / accounts / 3) + 1;

const dir = mkdtempSync(join(tmpdir(), 'ledger-bench-'));
try {
	const raw = createRawSpender(join(dir, 'raw.db'), accounts, perLot * 3);
	const sameWritesFile = join(dir, 'same-writes.db');
	seed(createLedger(openDatabase(sameWritesFile)));
	const sameWrites = createSameWritesSpender(sameWritesFile);
	// The app's ledger, as the server runs it: its transfers pass the webhook outbox (no endpoint here).
	const ledger = sqliteLedgerFor(openDatabase(join(dir, 'ledger.db')));
	seed(ledger);

	const latencies = new Float64Array(operations);
	const spend = (i: number) => {
		const start = process.hrtime.bigint();
		const result = ledger.spend({
			userId: userOf(i),
			amount: 1,
			actor: 'api_key:bench',
			idempotencyKey: keyOf(i)
		});
		if (i >= warmup) latencies[i - warmup] = Number(process.hrtime.bigint() - start) / 1e6;
		if (!result.ok) throw new Error(`spend ${i} failed: ${result.error.message}`);
	};
	const sides = {
		raw: (i: number) => raw(i),
		sameWrites: (i: number) => sameWrites(userOf(i), keyOf(i)),
		ledger: spend
	};
	const elapsed = { raw: 0, sameWrites: 0, ledger: 0 };
	for (const run of Object.values(sides)) for (let i = 0; i < warmup; i++) run(i);
	// Alternate chunks so every side sees the same background load.
	for (let start = warmup; start < warmup + operations; start += chunk) {
		for (const [name, run] of Object.entries(sides)) {
			elapsed[name as keyof typeof sides] += time(() => {
				for (let i = start; i < start + chunk; i++) run(i);
			});
		}
	}
	const readMs = time(() => {
		for (let i = 0; i < operations; i++) ledger.balance(userOf(i));
	});

	const rate = (ms: number) => (operations / ms) * 1000;
	console.log(`raw: ${Math.round(rate(elapsed.raw))} ops/s`);
	console.log(`ledger_spend: ${Math.round(rate(elapsed.ledger))} ops/s`);
	console.log(`ratio: ${(rate(elapsed.ledger) / rate(elapsed.raw)).toFixed(2)}`);
	console.log(`balance_read: ${Math.round(rate(readMs))} ops/s`);
	console.log(`spend_p99: ${latencies.sort()[Math.floor(operations * 0.99)].toFixed(3)} ms`);
	console.log(`raw_same_writes: ${Math.round(rate(elapsed.sameWrites))} ops/s`);
	console.log(
		`ratio_to_same_writes: ${(rate(elapsed.ledger) / rate(elapsed.sameWrites)).toFixed(2)}`
	);
	console.log(`ledger_violations: ${ledger.verify().length} count`);
} finally {
	rmSync(dir, { recursive: true, force: true });
}
await benchPostgres();

/** Increasing, like time-ordered keys (UUIDv7, ULID): each lands at the end of the key index. */
function keyOf(i: number) {
	return `spend-${String(i).padStart(9, '0')}`;
}

function userOf(i: number) {
	return `user-${i % accounts}`;
}

function time(fn: () => void) {
	const start = performance.now();
	fn();
	return performance.now() - start;
}

/** Three lots per user: free expiring in 30 days, free, paid. */
function seed(ledger: Ledger) {
	const month = new Date(Date.now() + 30 * dayMs);
	for (let u = 0; u < accounts; u++) {
		const grant = { userId: userOf(u), amount: perLot, actor: 'system' };
		ledger.grant({ ...grant, category: 'free', expiresAt: month, idempotencyKey: `seed-a-${u}` });
		ledger.grant({ ...grant, category: 'free', idempotencyKey: `seed-b-${u}` });
		ledger.grant({ ...grant, category: 'paid', code: 'purchase', idempotencyKey: `seed-c-${u}` });
	}
}
