import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { waitForHealthy } from '../../scripts/lib/wait';
import { e2eEmulatorPort } from '../../playwright.config';
import { firstInDatabase, queryDatabase, type Param, type Row } from './e2e-db';

export type DemoLogin = { role: 'user' | 'admin'; email: string; password: string };

export type ServerProcess = {
	url: string;
	/** Its own Stripe emulator (demo mode), for the Stripe API and `/_emulator/` controls. */
	emulatorUrl: string;
	databaseUrl: string;
	pid: number;
	/** Everything `npm start` and the server printed so far. */
	output: () => string;
	/** The server's JSON log lines so far. */
	logLines: () => Record<string, unknown>[];
	/** `npm start`'s exit code, once it has exited. */
	exited: Promise<number | null>;
	demoLogin: (role: DemoLogin['role']) => DemoLogin;
	webhookSecret: () => string;
	/** The rows of a query on its database. */
	query: <T = Row>(sql: string, ...params: Param[]) => Promise<T[]>;
	/** The first column of the first row of a query on its database. */
	first: <T = unknown>(sql: string, ...params: Param[]) => Promise<T>;
};

/**
 * Runs `npm start` (the built app, its emulator, a file database of its own) beside the shared e2e
 * server, for tests that read its output or stop it. Ports: the e2e ones plus 1000 plus `slot`.
 * `env` adds to or overrides its environment (e.g. raised rate limits).
 */
export async function startServerProcess(
	name: string,
	slot: number,
	env: Record<string, string> = {}
): Promise<ServerProcess> {
	const port = Number(process.env.E2E_PORT ?? 4173) + 1000 + slot;
	const emulatorPort = e2eEmulatorPort + 1000 + slot;
	const dataDir = resolve('tests/.tmp', name);
	mkdirSync(dataDir, { recursive: true });
	// Its own file, unless `env` names another database (two instances sharing one PostgreSQL database).
	const databaseUrl = env.DATABASE_URL ?? join(dataDir, 'credits.db');
	const url = `http://127.0.0.1:${port}`;
	const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
		env: {
			...process.env,
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: url,
			DATABASE_URL: databaseUrl,
			STRIPE_EMULATOR_PORT: String(emulatorPort),
			SIGNUP_LIMIT_PER_IP: '100000',
			LOG_LEVEL: 'info',
			STRIPE_SECRET_KEY: '',
			STRIPE_WEBHOOK_SECRET: '',
			STRIPE_API_URL: '',
			ADMIN_EMAILS: '',
			...env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stdout.on('data', (chunk) => (output += chunk));
	child.stderr.on('data', (chunk) => (output += chunk));
	const exited = once(child, 'exit').then(([code]) => code as number | null);
	await Promise.race([
		waitForHealthy(`${url}/healthz`, 170_000),
		exited.then((code) => {
			throw new Error(`npm start exited with ${code}:\n${output}`);
		})
	]);
	return {
		url,
		emulatorUrl: `http://127.0.0.1:${emulatorPort}`,
		databaseUrl,
		pid: child.pid!,
		output: () => output,
		logLines: () =>
			output
				.split('\n')
				.filter((line) => line.startsWith('{'))
				.map((line) => JSON.parse(line)),
		exited,
		demoLogin: (role) => {
			const logins = JSON.parse(readFileSync(join(dataDir, 'demo-logins.json'), 'utf8'));
			return (logins as DemoLogin[]).find((login) => login.role === role)!;
		},
		webhookSecret: () =>
			env.STRIPE_WEBHOOK_SECRET ??
			readFileSync(join(dataDir, 'stripe-webhook-secret'), 'utf8').trim(),
		query: (sql, ...params) => queryDatabase(databaseUrl, sql, ...params),
		first: (sql, ...params) => firstInDatabase(databaseUrl, sql, ...params)
	};
}
