/**
 * The crash test (`npm run test:crash`, docs/reliability.md): the built server on a fresh file
 * database under load over HTTP, killed with SIGKILL mid-load and restarted on the same database, then
 * every answer checked against the ledger. Sizes come from CRASH_* variables (see crashSettings).
 */
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { buildIfStale } from '../../scripts/lib/build';
import { freePort } from '../../scripts/lib/serve';
import { seededRandom } from '../../tools/stripe-emulator/delivery';
import { startEmulator } from '../../tools/stripe-emulator/server';
import type { Delivery } from '../../tools/stripe-emulator/webhooks';
import { postCredentials, rawRequest } from '../e2e/raw-http';
import { checkRun } from './checks';
import { Driver } from './driver';
import {
	grant,
	replayConfirmed,
	retryUnanswered,
	runLoad,
	type Customer,
	type LoadContext
} from './load';
import { startServer, type CrashServer } from './server';
import { crashSettings } from './settings';

const run = promisify(execFile);
const started = Date.now();
const settings = crashSettings(process.env);
const seed = settings.seed ?? randomInt(0, 2 ** 32 - 1);
const random = seededRandom(seed);
const dataDir = resolve('tests/.tmp/crash');
const databaseUrl = join(dataDir, 'credits.db');
const password = 'crash test password 1';
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

rmSync(dataDir, { recursive: true, force: true });
mkdirSync(dataDir, { recursive: true });
buildIfStale();

const port = await freePort();
const appUrl = `http://127.0.0.1:${port}`;
const webhookSecret = `whsec_${randomBytes(24).toString('hex')}`;
// Stripe outlives the crashes: the emulator runs here, and retries what a dead server did not answer.
const emulator = await startEmulator({
	port: 0,
	webhookUrl: `${appUrl}/api/webhooks/stripe`,
	webhookSecret,
	delivery: { mode: 'realistic', seed },
	retryDelaysMs: [500, 1000, 2000, 4000, 8000, 15_000, 30_000, 30_000]
});
const serverEnv = {
	PORT: String(port),
	HOST: '127.0.0.1',
	ORIGIN: appUrl,
	DATABASE_URL: databaseUrl,
	STRIPE_SECRET_KEY: '',
	STRIPE_WEBHOOK_SECRET: webhookSecret,
	STRIPE_API_URL: emulator.url,
	STRIPE_EMULATOR_WEBHOOK_URL: '',
	ADMIN_EMAILS: '',
	SIGNUP_LIMIT_PER_IP: '100000',
	API_RATE_LIMIT_PER_MINUTE: '10000000',
	LOG_LEVEL: 'warn',
	WEB_CONCURRENCY: String(settings.webConcurrency)
};
const start = () =>
	startServer({ url: appUrl, env: serverEnv, logFile: join(dataDir, 'server.log') });

let verified = 0;
/** `npm run ledger:verify` on the run's database; a violation ends the run. */
async function verifyLedger(when: string) {
	try {
		await run('npm', ['run', '--silent', 'ledger:verify'], {
			env: { ...process.env, ...serverEnv }
		});
		verified++;
	} catch (error) {
		const { stdout, stderr } = error as { stdout?: string; stderr?: string };
		throw new Error(`ledger:verify failed ${when}:\n${stdout ?? ''}${stderr ?? ''}`);
	}
}

async function createApiKey(): Promise<string> {
	const { stdout } = await run(
		'npm',
		['run', '--silent', 'api-key:create', '--', '--name', 'crash'],
		{
			env: { ...process.env, ...serverEnv }
		}
	);
	return stdout.trim().split('\n').pop()!;
}

async function signUpCustomers(apiKey: string): Promise<Customer[]> {
	return Promise.all(
		Array.from({ length: settings.users }, async (_, i) => {
			const email = `crash-${i}@crash.test`;
			const cookie = await postCredentials(appUrl, '/signup', email, password);
			const found = await rawRequest(appUrl, {
				path: `/api/v1/users?email=${encodeURIComponent(email)}`,
				headers: { authorization: `Bearer ${apiKey}` }
			});
			return { id: (JSON.parse(found.body) as { user_id: string }).user_id, email, cookie };
		})
	);
}

async function adminCookie(): Promise<string> {
	const logins = JSON.parse(readFileSync(join(dataDir, 'demo-logins.json'), 'utf8')) as {
		role: string;
		email: string;
		password: string;
	}[];
	const admin = logins.find((login) => login.role === 'admin')!;
	return postCredentials(appUrl, '/login', admin.email, admin.password);
}

async function emulatorGet<T>(path: string): Promise<T> {
	return (await fetch(`${emulator.url}${path}`)).json() as Promise<T>;
}

async function webhooksSettled() {
	const deadline = Date.now() + 180_000;
	while (!(await emulatorGet<{ idle: boolean }>('/_emulator/webhooks')).idle) {
		if (Date.now() > deadline) throw new Error('webhook deliveries did not settle within 180 s');
		await sleep(250);
	}
}

/** Waits until requests are in flight, so the kill cuts some of them off. */
async function busy(driver: Driver) {
	for (let i = 0; i < 100 && driver.inFlight < 2; i++) await sleep(10);
}

let server: CrashServer = await start();
const driver = new Driver(appUrl);
const apiKey = await createApiKey();
const context: LoadContext = {
	driver,
	apiKey,
	adminCookie: await adminCookie(),
	customers: await signUpCustomers(apiKey),
	emulatorUrl: emulator.url,
	random
};
await Promise.all(context.customers.map((customer, i) => grant(context, `seed-${i}`, customer.id)));

const phaseMs = (settings.seconds * 1000) / (settings.kills + 1);
const load = runLoad(context, settings.clients);
for (let kill = 1; kill <= settings.kills; kill++) {
	await sleep(phaseMs * (0.5 + random()));
	await busy(driver);
	driver.close();
	const inFlight = driver.inFlight;
	const killed = await server.kill();
	const killedAt = elapsed();
	await verifyLedger(`after kill ${kill}`);
	server = await start();
	await verifyLedger(`after restart ${kill}`);
	driver.open();
	const pids = killed
		.map(({ pid, command }) => `${pid} (${command.replace(process.execPath, 'node')})`)
		.join(', ');
	console.log(
		`kill ${kill} at ${killedAt}: ${inFlight} requests in flight, processes ${pids} killed; verified, restarted and verified by ${elapsed()}`
	);
}
await sleep(phaseMs);
driver.stopping = true;
await load;
console.log(`load stopped at ${elapsed()}`);
const retried = await retryUnanswered(driver);
const replays = await replayConfirmed(driver);
await webhooksSettled();
console.log(`retried and webhooks settled by ${elapsed()}`);
await server.stop();
await verifyLedger('at the end');

const events = await emulatorGet<{ data: { id: string }[] }>('/_emulator/events');
const deliveries = await emulatorGet<{ data: Delivery[] }>('/_emulator/deliveries');
await emulator.close();
const db = new Database(databaseUrl, { readonly: true, fileMustExist: true });
const findings = checkRun(db, driver.sent, driver.server, {
	eventIds: events.data.map((event) => event.id),
	deliveries: deliveries.data
});
db.close();
writeFileSync(
	join(dataDir, 'report.json'),
	JSON.stringify(
		{ settings, seed, findings, sent: driver.sent, deliveries: deliveries.data },
		null,
		1
	)
);

const seconds = Math.round((Date.now() - started) / 1000);
console.log(
	`crash test: ${driver.sent.length} requests, ${findings.acknowledged} 2xx, ` +
		`${findings.refused} refused (no credits, checkout limit), ${findings.unanswered} unanswered, ` +
		`${retried.length} retried (${findings.appliedBeforeKill} had been applied before the kill; ` +
		`${findings.unanswered - retried.length} checkouts have no key to retry by), ` +
		`${findings.replayed} of ${replays.length} writes confirmed before a kill replayed after it, ` +
		`${settings.kills} kills survived, ${findings.transfers} transfers, ` +
		`${findings.purchasesCredited} purchases credited, ${findings.events} webhook events ` +
		`(${findings.failedDeliveries} deliveries failed, ${findings.redeliveredEvents} events redelivered), ` +
		`ledger:verify ok ${verified} times, ${settings.clients} clients, seed ${seed}, ${seconds} s`
);
if (findings.problems.length > 0) {
	console.error(`${findings.problems.length} problems:`);
	for (const problem of findings.problems.slice(0, 50)) console.error(`  ${problem}`);
	process.exitCode = 1;
}
