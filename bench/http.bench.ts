/**
 * The HTTP API against the built server on 127.0.0.1 (a temp file database, demo mode, no Stripe
 * calls): an empty endpoint, balance reads and spends, 32 connections for 10 s each. Then spends served
 * by 1 and by BENCH_WORKERS (default 2) worker processes, and a check that no spend was lost or doubled.
 * Prints `name: value unit` lines; `ratio` is spend / empty.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIfStale } from '../scripts/lib/build';
import { startBuiltServer } from '../scripts/lib/serve';
import { measure, report, type Measured } from './http/load';
import { seed } from './http/seed';
import { checkSpends, createSpendLog, spendLoad } from './http/spends';

const users = 1_000;
const workers = Number(process.env.BENCH_WORKERS ?? 2);
// Far more than three 10 s runs can spend at one credit each.
const creditsPerUser = 1_000_000;
// The per-key limit guards against a runaway client; the benchmark is one on purpose.
const env = { API_RATE_LIMIT_PER_MINUTE: String(1_000_000_000) };

buildIfStale();
const dir = mkdtempSync(join(tmpdir(), 'http-bench-'));
const databaseUrl = join(dir, 'bench.db');
try {
	const { userIds, sessionToken } = await seed(databaseUrl, users, creditsPerUser);
	const cookie = `credits_session=${sessionToken}`;
	const log = createSpendLog();

	let server = await startBuiltServer({ databaseUrl, workers: 1, env });
	const empty = await measure({ url: `${server.url}/api/v1/ping` }, server.pid);
	report('empty', empty);
	const balanceBySession = { url: `${server.url}/api/v1/balance`, headers: { cookie } };
	report('balance_session', await measure(balanceBySession, server.pid));
	const spendStatus = (await fetch(`${server.url}/api/v1/spend`, { method: 'POST' })).status;
	const apiKey = spendStatus === 404 ? undefined : createApiKey(databaseUrl);
	let spendOne: Measured | undefined;
	if (apiKey) {
		const authorization = `Bearer ${apiKey}`;
		const balanceByKey = {
			url: `${server.url}/api/v1/balance`,
			headers: { authorization },
			request: (n: number) => ({ path: `/api/v1/balance?user_id=${userIds[n % users]}` })
		};
		report('balance_key', await measure(balanceByKey, server.pid));
		spendOne = await measure(spendLoad(server.url, authorization, userIds, 'w1', log), server.pid);
		report('spend', spendOne);
		console.log(`ratio: ${(spendOne.requestsPerSecond / empty.requestsPerSecond).toFixed(2)}`);
		console.log(`spend_p99_to_empty_p99: ${(spendOne.p99Ms / empty.p99Ms).toFixed(2)}`);
		if (spendOne.cpuMicroseconds && empty.cpuMicroseconds)
			console.log(
				`ratio_by_server_cpu: ${(empty.cpuMicroseconds / spendOne.cpuMicroseconds).toFixed(2)}`
			);
	} else {
		for (const name of ['balance_key', 'spend'])
			console.log(`${name}: skipped (POST /api/v1/spend answers 404: the API is not built here)`);
	}
	await server.stop();

	if (apiKey && spendOne) {
		server = await startBuiltServer({ databaseUrl, workers, env });
		const load = spendLoad(server.url, `Bearer ${apiKey}`, userIds, `w${workers}`, log);
		const clustered = await measure(load, server.pid);
		await server.stop();
		console.log(`spend_1_worker: ${Math.round(spendOne.requestsPerSecond)} req/s`);
		report(`spend_${workers}_workers`, clustered);
		const { problems, unanswered } = await checkSpends(databaseUrl, log);
		console.log(`spends_answered: ${log.answered.size} count`);
		console.log(`spends_unanswered: ${unanswered} count`);
		console.log(`spend_problems: ${problems.length} count`);
		for (const problem of problems.slice(0, 10)) console.log(`  ${problem}`);
		if (problems.length > 0) process.exitCode = 1;
		console.log(`ledger_verify: ${verifyLedger(databaseUrl)}`);
	}
} finally {
	rmSync(dir, { recursive: true, force: true });
}

function createApiKey(databaseUrl: string): string {
	const output = execFileSync(
		'npm',
		['run', '--silent', 'api-key:create', '--', '--name', 'bench'],
		{
			env: { ...process.env, DATABASE_URL: databaseUrl },
			encoding: 'utf8'
		}
	);
	return output.trim().split('\n').at(-1)!.trim();
}

/** `ok`, or the violations `npm run ledger:verify` names. */
function verifyLedger(databaseUrl: string): string {
	try {
		return execFileSync('npm', ['run', '--silent', 'ledger:verify'], {
			env: { ...process.env, DATABASE_URL: databaseUrl },
			encoding: 'utf8'
		}).trim();
	} catch (error) {
		process.exitCode = 1;
		return `failed\n${(error as { stdout?: string }).stdout ?? error}`;
	}
}
