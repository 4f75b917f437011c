/**
 * Ledger spend throughput against raw better-sqlite3, both on a file database opened by openDatabase
 * (WAL, synchronous=NORMAL). Prints `name: value unit` lines and the ratio ledger/raw.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/lib/server/db/index';
import { createLedger } from '../src/lib/server/ledger/index';

const operations = Number(process.env.BENCH_OPERATIONS ?? 100_000);
const accounts = 1_000;
const chunk = 10_000;
const warmup = 2_000;
const creditsPerLot = Math.ceil((operations + warmup) / accounts / 3) + 1;

const dir = mkdtempSync(join(tmpdir(), 'ledger-bench-'));
try {
	const raw = createRaw(join(dir, 'raw.db'));
	const ledger = createLedgerBench(join(dir, 'ledger.db'));
	for (let i = 0; i < warmup; i++) raw.spend(i);
	for (let i = 0; i < warmup; i++) ledger.spend(i);
	let rawMs = 0;
	let ledgerMs = 0;
	// Alternate chunks so both sides see the same background load.
	for (let start = warmup; start < warmup + operations; start += chunk) {
		rawMs += time(() => {
			for (let i = start; i < start + chunk; i++) raw.spend(i);
		});
		ledgerMs += time(() => {
			for (let i = start; i < start + chunk; i++) ledger.spend(i);
		});
	}
	const readMs = time(() => {
		for (let i = 0; i < operations; i++) ledger.read(i);
	});
	const rawRate = (operations / rawMs) * 1000;
	const ledgerRate = (operations / ledgerMs) * 1000;
	console.log(`raw: ${Math.round(rawRate)} ops/s`);
	console.log(`ledger_spend: ${Math.round(ledgerRate)} ops/s`);
	console.log(`ratio: ${(ledgerRate / rawRate).toFixed(2)}`);
	console.log(`balance_read: ${Math.round((operations / readMs) * 1000)} ops/s`);
	console.log(`spend_p99: ${ledger.p99().toFixed(3)} ms`);
	console.log(`ledger_violations: ${ledger.verify().length} count`);
} finally {
	rmSync(dir, { recursive: true, force: true });
}

function time(fn: () => void) {
	const start = performance.now();
	fn();
	return performance.now() - start;
}

/** The ceiling: one conditional balance UPDATE and one entry INSERT per transaction. */
function createRaw(file: string) {
	const sqlite = openDatabase(file, { migrate: false }).$client;
	sqlite.exec(`CREATE TABLE balances (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL);
		CREATE TABLE entries (id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, amount INTEGER NOT NULL,
			created_at INTEGER NOT NULL)`);
	const insert = sqlite.prepare('INSERT INTO balances (id, balance) VALUES (?, ?)');
	sqlite.transaction(() => {
		for (let id = 1; id <= accounts; id++) insert.run(id, creditsPerLot * 3);
	})();
	const debit = sqlite.prepare('UPDATE balances SET balance = balance - ? WHERE id = ? AND balance >= ?');
	const entry = sqlite.prepare('INSERT INTO entries (account_id, amount, created_at) VALUES (?, ?, ?)');
	const spend = sqlite.transaction((id: number, amount: number) => {
		if (debit.run(amount, id, amount).changes === 1) entry.run(id, amount, Date.now());
	});
	return { spend: (i: number) => spend.immediate((i % accounts) + 1, 1) };
}

/** The same spends through the ledger, over users with three lots each (expiring free, free, paid). */
function createLedgerBench(file: string) {
	const db = openDatabase(file);
	const ledger = createLedger(db);
	const month = new Date(Date.now() + 30 * 24 * 60 * 60 * 1000);
	for (let u = 0; u < accounts; u++) {
		const grant = { userId: `user-${u}`, amount: creditsPerLot, actor: 'system' };
		ledger.grant({ ...grant, category: 'free', expiresAt: month, idempotencyKey: `bench-a-${u}` });
		ledger.grant({ ...grant, category: 'free', idempotencyKey: `bench-b-${u}` });
		ledger.grant({ ...grant, category: 'paid', code: 'purchase', idempotencyKey: `bench-c-${u}` });
	}
	const latencies = new Float64Array(operations + warmup);
	return {
		spend(i: number) {
			const start = process.hrtime.bigint();
			const result = ledger.spend({
				userId: `user-${i % accounts}`,
				amount: 1,
				actor: 'api_key:bench',
				idempotencyKey: `bench-spend-${i}`
			});
			latencies[i] = Number(process.hrtime.bigint() - start) / 1e6;
			if (!result.ok) throw new Error(`spend ${i} failed: ${result.error.message}`);
		},
		read: (i: number) => ledger.balance(`user-${i % accounts}`),
		p99: () => latencies.subarray(warmup).sort()[Math.floor(operations * 0.99)],
		verify: () => ledger.verify()
	};
}
