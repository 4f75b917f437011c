/**
 * The customer's credits page and history page, for a user with 100,000 transfers against a user of
 * the same shape with 100, on one file database: the real load functions (data only; rendering is of a
 * fixed number of rows whatever the history's length). Then the CSV export's memory while it streams
 * 100,000 rows. Times are CPU time (see measure). Prints `name: value unit` lines; `ratio` is the
 * worse of the two pages' ratios.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'pages-bench-'));
process.env.DATABASE_URL = join(dir, 'pages.db');
delete process.env.STRIPE_SECRET_KEY;

const big = Number(process.env.BENCH_TRANSFERS ?? 100_000);
const small = 100;

try {
	const { getDb } = await import('../src/lib/server/db/index');
	const { createLedger } = await import('../src/lib/server/ledger/index');
	const { purchases, users } = await import('../src/lib/server/db/schema');
	const { signupReference } = await import('../src/lib/server/transfer-types');
	const credits = await import('../src/routes/settings/credits/+page.server');
	const history = await import('../src/routes/settings/credits/history/+page.server');
	const csv = await import('../src/routes/settings/credits/transactions.csv/+server');

	const db = getDb();
	const clock = { now: Date.UTC(2024, 0, 1) };
	const ledger = createLedger(db, { now: () => new Date(clock.now) });

	/** A welcome gift, then per 100 transfers: a purchase, a hold captured, a hold released, 95 spends. */
	function seed(userId: string, transfers: number) {
		db.insert(users)
			.values({ id: userId, email: `${userId}@bench.test`, passwordHash: 'x' })
			.run();
		const actor = 'system:bench';
		ledger.grant({
			userId,
			amount: 1000,
			category: 'free',
			reason: 'Welcome bonus',
			reference: signupReference(userId),
			actor,
			idempotencyKey: `${userId}-welcome`
		});
		let holdId = 0;
		const write = db.$client.transaction((from: number, to: number) => {
			for (let i = from; i < to; i++) {
				clock.now += 60_000;
				const key = `${userId}-${i}`;
				const step = (i - 1) % 100;
				if (step === 0) {
					const id = `purchase_${key}`;
					db.insert(purchases)
						.values({
							id,
							userId,
							packageId: 'basic',
							credits: 100,
							amountMinor: 999,
							currency: 'usd',
							status: 'paid',
							createdAt: new Date(clock.now)
						})
						.run();
					const bought = { amount: 100, category: 'paid', code: 'purchase' } as const;
					ledger.grant({ userId, ...bought, reference: id, actor, idempotencyKey: key });
				} else if (step === 1 || step === 3) {
					const expiresAt = new Date(clock.now + 3_600_000);
					const held = ledger.hold({ userId, amount: 5, expiresAt, actor, idempotencyKey: key });
					if (!held.ok) throw new Error(held.error.message);
					holdId = held.holdId;
				} else if (step === 2) ledger.capture({ holdId, actor, idempotencyKey: key });
				else if (step === 4) ledger.release({ holdId, actor, idempotencyKey: key });
				else ledger.spend({ userId, amount: 1, reason: `Job ${i}`, actor, idempotencyKey: key });
			}
		});
		for (let from = 1; from < transfers; from += 10_000)
			write(from, Math.min(transfers, from + 10_000));
	}
	const seeded = Date.now();
	seed('small', small);
	seed('big', big);
	const balanceOf = (userId: string) =>
		ledger.transfers({ userId, limit: 1 }).items[0].balanceAfter;
	if (ledger.verify().length > 0) throw new Error('the seeded ledger is not sound');
	console.log(`seeded: ${((Date.now() - seeded) / 1000).toFixed(1)} s`);
	console.log(`balances: ${balanceOf('small')} ${balanceOf('big')} credits`);

	const userOf = (id: string) => ({ id, email: `${id}@bench.test`, role: 'user' as const });
	const eventFor = (id: string, path: string) =>
		({
			locals: { user: userOf(id) },
			url: new URL(path, 'http://localhost'),
			params: {},
			depends: () => {}
		}) as never;
	const pages = {
		credits_page: (id: string) => credits.load(eventFor(id, '/settings/credits')),
		history_page: (id: string) => history.load(eventFor(id, '/settings/credits/history'))
	};

	/**
	 * Milliseconds of CPU per call: the process's CPU time, not the wall clock, which on a shared
	 * machine counts the time other programs held the cores. The fastest batch mean, batches of each
	 * side alternating so that both meet the same conditions. Batches of 100: the kernel counts CPU time
	 * in ticks of a few milliseconds, as long as a batch of 10 half-millisecond loads. Each call is
	 * awaited: the loads are async, and an unawaited one would count only its part before the first await.
	 */
	async function measure(runs: Record<string, () => unknown>, { rounds = 25, batch = 100 } = {}) {
		const samples: Record<string, number[]> = {};
		for (const run of Object.values(runs)) for (let i = 0; i < batch; i++) await run();
		for (let round = 0; round < rounds; round++) {
			for (const [name, run] of Object.entries(runs)) {
				const start = process.cpuUsage();
				for (let i = 0; i < batch; i++) await run();
				const used = process.cpuUsage(start);
				(samples[name] ??= []).push((used.user + used.system) / 1000 / batch);
			}
		}
		return Object.fromEntries(
			Object.entries(samples).map(([name, times]) => [name, Math.min(...times)])
		);
	}

	let worst = 0;
	for (const [name, load] of Object.entries(pages)) {
		const times = await measure({ small: () => load('small'), big: () => load('big') });
		const ratio = times.big / times.small;
		worst = Math.max(worst, ratio);
		console.log(`${name}_${small}: ${times.small.toFixed(3)} ms`);
		console.log(`${name}_${big}: ${times.big.toFixed(3)} ms`);
		console.log(`${name}_ratio: ${ratio.toFixed(2)}`);
	}
	console.log(`ratio: ${worst.toFixed(2)}`);

	// The ledger read the pages stand on, against the cheapest read of as many rows.
	const pk = db.$client.prepare('SELECT * FROM transfers WHERE id <= ? ORDER BY id DESC LIMIT 10');
	const head = Number(ledger.transfers({ userId: 'big', limit: 1 }).items[0].id);
	const reads = await measure({
		transfers: () => ledger.transfers({ userId: 'big', limit: 10 }),
		indexed: () => pk.all(head)
	});
	console.log(`ledger_transfers_10: ${(reads.transfers * 1000).toFixed(1)} µs`);
	console.log(`indexed_read_10: ${(reads.indexed * 1000).toFixed(1)} µs`);

	// The walk's costs that grow with the history: a filter nothing matches, a newer page deep down.
	const deep = ledger.transfers({ userId: 'big', limit: 500 });
	let cursor = deep.nextCursor;
	for (let i = 1; i < big / 2 / 500; i++)
		cursor = ledger.transfers({ userId: 'big', limit: 500, cursor }).nextCursor;
	const walks = await measure(
		{
			none: () => history.load(eventFor('big', '/settings/credits/history?type=refund')),
			purchases: () => history.load(eventFor('big', '/settings/credits/history?type=purchase')),
			newer: () => history.load(eventFor('big', `/settings/credits/history?after=${cursor}`))
		},
		{ rounds: 5, batch: 2 }
	);
	console.log(`history_no_match_${big}: ${walks.none.toFixed(2)} ms`);
	console.log(`history_purchases_${big}: ${walks.purchases.toFixed(2)} ms`);
	console.log(`history_newer_page_${big / 2}_deep: ${walks.newer.toFixed(2)} ms`);

	const gc = (globalThis as { gc?: () => void }).gc;
	gc?.();
	const before = process.memoryUsage();
	const peak = { heap: before.heapUsed, rss: before.rss };
	const started = process.cpuUsage();
	const response = await csv.GET(eventFor('big', '/settings/credits/transactions.csv'));
	const reader = response.body!.getReader();
	let bytes = 0;
	let rows = 0;
	for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
		bytes += chunk.value.byteLength;
		for (const byte of chunk.value) if (byte === 10) rows++;
		const now = process.memoryUsage();
		peak.heap = Math.max(peak.heap, now.heapUsed);
		peak.rss = Math.max(peak.rss, now.rss);
	}
	const exportCpu = process.cpuUsage(started);
	const exportMs = (exportCpu.user + exportCpu.system) / 1000;
	const mb = (value: number) => (value / 1024 / 1024).toFixed(1);
	console.log(`csv_rows: ${rows - 1} count`);
	console.log(`csv_bytes: ${mb(bytes)} MB`);
	console.log(`csv_export: ${exportMs.toFixed(0)} ms`);
	console.log(
		`csv_peak_heap_growth: ${mb(peak.heap - before.heapUsed)} MB${gc ? '' : ' (no --expose-gc)'}`
	);
	console.log(`csv_peak_rss_growth: ${mb(peak.rss - before.rss)} MB`);
	db.$client.close();
} finally {
	rmSync(dir, { recursive: true, force: true });
}
