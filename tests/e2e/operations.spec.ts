import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import Stripe from 'stripe';
import { runScript } from '../../src/lib/server/ledger/testing/processes';
import { firstInDatabase } from './e2e-db';
import { sessionCookieOf, uniqueEmail } from './helpers';
import { startServerProcess, type ServerProcess } from './server-process';

// One server for the file, started once (slow on a busy machine) and stopped by the last test.
test.describe.configure({ mode: 'serial', timeout: 240_000 });

let server: ServerProcess;
let admin: string;
let targetUserId: string;

test.beforeAll(async () => {
	test.setTimeout(240_000);
	server = await startServerProcess('operations', 0);
	const login = server.demoLogin('admin');
	admin = sessionCookieOf(await post('/login', { email: login.email, password: login.password }));
	const target = await signUp(uniqueEmail('ops-target'), 'target password 1');
	targetUserId = target.userId;
});

type Form = Record<string, string>;

function post(path: string, form: Form, headers: Record<string, string> = {}) {
	return fetch(`${server.url}${path}`, {
		method: 'POST',
		body: new URLSearchParams(form),
		redirect: 'manual',
		headers: { origin: server.url, accept: 'text/html', ...headers }
	});
}

async function signUp(email: string, password: string) {
	const response = await post('/signup', { email, password });
	expect(response.status).toBe(303);
	const userId = await server.first<string>('select id from users where email = ?', email);
	return { cookie: sessionCookieOf(response), userId };
}

/** An admin grant of 1 credit through the user page's form, answered as JSON (the form's own fetch). */
async function grant(key: string) {
	const response = await fetch(`${server.url}/admin/users/${targetUserId}?/grant`, {
		method: 'POST',
		body: new URLSearchParams({
			amount: '1',
			reason: 'operations test',
			category: 'paid',
			idempotencyKey: key,
			confirm: 'yes'
		}),
		headers: { origin: server.url, cookie: admin, accept: 'application/json' }
	});
	const body = await response.text();
	return { status: response.status, acknowledged: response.ok && body.includes('"success"') };
}

/** Those of `values` that `column` of `table` holds, in their order. */
async function storedIn(table: string, column: string, values: string[]) {
	if (values.length === 0) return [];
	const rows = await server.query<{ value: string }>(
		`select ${column} as "value" from ${table} where ${column} in (${values.map(() => '?').join(', ')})`,
		...values
	);
	const stored = new Set(rows.map((row) => row.value));
	return values.filter((value) => stored.has(value));
}

const grantKey = 'admin-grant:';
const grantsIn = async (keys: string[]) =>
	(
		await storedIn(
			'transfers',
			'idempotency_key',
			keys.map((key) => grantKey + key)
		)
	).map((key) => key.slice(grantKey.length));

type Outcome = { key: string; status?: number; acknowledged: boolean; error?: string };

/** `workers` loops sending `send(key)` until `until()` is true, every outcome recorded. */
async function load(
	prefix: string,
	workers: number,
	until: () => boolean,
	send: (key: string) => Promise<{ status: number; acknowledged: boolean }>
) {
	const outcomes: Outcome[] = [];
	await Promise.all(
		Array.from({ length: workers }, async (_, worker) => {
			for (let i = 0; !until(); i++) {
				const key = `${prefix}-${worker}-${i}`;
				try {
					outcomes.push({ key, ...(await send(key)) });
				} catch (error) {
					outcomes.push({ key, acknowledged: false, error: String(error) });
					await new Promise((resolve) => setTimeout(resolve, 20));
				}
			}
		})
	);
	return outcomes;
}

test('every log line is JSON with a request id, and no password, card, signature, cookie or secret is in it', async () => {
	const email = uniqueEmail('ops-logs');
	const password = 'ops log password 42';
	await signUp(email, password);
	const signIn = await post('/login', { email, password }, { 'x-request-id': 'ops-sign-in-1' });
	expect(signIn.status).toBe(303);
	expect(signIn.headers.get('x-request-id')).toBe('ops-sign-in-1');
	const cookie = sessionCookieOf(signIn);
	const unsafe = await fetch(`${server.url}/healthz`, {
		headers: { 'x-request-id': 'x"}, "level":"fatal' }
	});
	expect(unsafe.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

	const card = '4242424242424242';
	const buy = await post('/settings/credits?/buy', { packageId: 'basic' }, { cookie });
	expect(buy.status).toBe(303);
	const paid = await fetch(buy.headers.get('location')!, {
		method: 'POST',
		body: new URLSearchParams({ email, card_number: card }),
		redirect: 'manual'
	});
	expect(paid.status).toBe(303);
	const success = await fetch(paid.headers.get('location')!, { headers: { cookie } });
	expect(success.status).toBe(200);

	const payload = JSON.stringify({
		id: `evt_ops_${Date.now()}`,
		object: 'event',
		type: 'customer.created',
		data: { object: { object: 'customer', id: 'cus_ops' } }
	});
	const signature = new Stripe('sk_test_ops').webhooks.generateTestHeaderString({
		payload,
		secret: server.webhookSecret()
	});
	const webhook = await fetch(`${server.url}/api/webhooks/stripe`, {
		method: 'POST',
		body: payload,
		headers: { 'content-type': 'application/json', 'stripe-signature': signature }
	});
	expect(webhook.status).toBe(200);
	const bearer = 'ck_test_ops_do_not_log_me';
	await fetch(`${server.url}/api/v1/balance`, { headers: { authorization: `Bearer ${bearer}` } });
	// The emulator delivers the paid session's event on its own; wait for it to be logged.
	await expect
		.poll(() => server.logLines().some((line) => line.type === 'checkout.session.completed'), {
			timeout: 60_000
		})
		.toBe(true);

	const lines = server.logLines();
	const access = lines.filter((line) => 'status' in line && 'method' in line);
	expect(access.length).toBeGreaterThan(5);
	for (const line of access)
		expect(line.requestId, JSON.stringify(line)).toEqual(expect.any(String));
	expect(access).toContainEqual(
		expect.objectContaining({
			requestId: 'ops-sign-in-1',
			method: 'POST',
			route: '/(auth)/login',
			path: '/login',
			status: 303,
			ms: expect.any(Number),
			level: 'info'
		})
	);
	expect(access).toContainEqual(
		expect.objectContaining({ route: '/settings/credits', action: 'buy', status: 303 })
	);
	expect(lines).toContainEqual(
		expect.objectContaining({
			msg: 'stripe event',
			outcome: 'ignored',
			requestId: expect.any(String)
		})
	);
	const everything = server.output();
	for (const secret of [
		password,
		card,
		signature,
		cookie.split('=')[1],
		admin.split('=')[1],
		bearer,
		server.webhookSecret()
	]) {
		expect(everything, 'a secret reached the output').not.toContain(secret);
	}
});

test('db:backup copies the running server’s database under writes; the copy verifies and is one moment', async () => {
	let backedUp = false;
	const backup = spawn(
		process.execPath,
		['--import', 'tsx', 'scripts/db-backup.ts', '--out', `${server.databaseUrl}.backup`],
		{ env: { ...process.env, DATABASE_URL: server.databaseUrl } }
	);
	let stdout = '';
	backup.stdout.on('data', (chunk) => (stdout += chunk));
	backup.stderr.on('data', (chunk) => (stdout += chunk));
	const writes = load('backup', 4, () => backedUp, grant);
	const [code] = await once(backup, 'exit');
	backedUp = true;
	const outcomes = await writes;

	expect(code, stdout).toBe(0);
	expect(stdout).toMatch(/^Backed up .+ to .+\.backup \(\d+ bytes\)$/m);
	const copy = `${server.databaseUrl}.backup`;
	expect(runScript('scripts/ledger-verify.ts', copy)).toMatchObject({ status: 0, stdout: 'ok\n' });
	expect(outcomes.filter((outcome) => outcome.acknowledged).length).toBeGreaterThan(0);
	expect(outcomes.filter((outcome) => (outcome.status ?? 0) >= 500)).toEqual([]);
	// Each grant writes its transfer and its audit entry in one transaction: a snapshot has both or neither.
	const count = (sql: string) => firstInDatabase<number>(copy, sql);
	const transfers = await count(
		"select count(*) from transfers where idempotency_key like 'admin-grant:%'"
	);
	const audits = await count(
		"select count(*) from audit_log where action = 'grant' and outcome = 'ok'"
	);
	expect(transfers).toBe(audits);
});

test('SIGTERM under load: the request in flight finishes, every acknowledged write is kept, then the database closes', async () => {
	// A sign-up whose body is still arriving when SIGTERM comes: the server is in the middle of it.
	const agent = new Agent({ keepAlive: true, maxSockets: 1 });
	expect((await get(agent, '/healthz')).status).toBe(200);
	const email = uniqueEmail('ops-in-flight');
	const body = new URLSearchParams({ email, password: 'in flight password' }).toString();
	const slow = sendSlowly(agent, '/signup', body);

	let stopped = false;
	void server.exited.then(() => (stopped = true));
	const grants = load('term', 4, () => stopped, grant);
	const signUps = load(
		'term-signup',
		2,
		() => stopped,
		async (key) => {
			const response = await post('/signup', {
				email: `${key}@e2e.test`,
				password: 'load password'
			});
			return { status: response.status, acknowledged: response.status === 303 };
		}
	);
	await expect
		.poll(async () => (await grantsIn([...Array(40).keys()].map((i) => `term-0-${i}`))).length, {
			timeout: 60_000
		})
		.toBeGreaterThan(5);
	process.kill(server.pid, 'SIGTERM');
	await new Promise((resolve) => setTimeout(resolve, 500));
	slow.finish();

	expect(await slow.response).toMatchObject({ status: 303 });
	expect(await server.exited).toBe(0);
	// The last connection to close folds the WAL into the file: the server closed its database.
	expect(existsSync(`${server.databaseUrl}-wal`)).toBe(false);
	agent.destroy();

	const outcomes = [...(await grants), ...(await signUps)];
	const acknowledged = outcomes.filter((outcome) => outcome.acknowledged);
	expect(acknowledged.length).toBeGreaterThan(10);
	expect(outcomes.filter((outcome) => (outcome.status ?? 0) >= 500)).toEqual([]);
	const grantKeys = acknowledged
		.filter((o) => o.key.startsWith('term-') && !o.key.startsWith('term-signup'))
		.map((o) => o.key);
	expect(await grantsIn(grantKeys)).toEqual(grantKeys);
	const emails = [
		email,
		...acknowledged.filter((o) => o.key.startsWith('term-signup')).map((o) => `${o.key}@e2e.test`)
	];
	const users = await storedIn('users', 'email', emails);
	expect(users).toEqual(emails);
	// Nobody is let in once it has stopped.
	await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();

	const lines = server.logLines();
	expect(lines.at(-1)).toMatchObject({
		msg: 'shut down: requests drained, jobs stopped, database closed',
		reason: 'SIGTERM'
	});
});

function get(agent: Agent, path: string) {
	return new Promise<{ status: number }>((resolve, reject) => {
		const request = httpRequest(`${server.url}${path}`, { agent }, (response) => {
			response.resume();
			response.on('end', () => resolve({ status: response.statusCode ?? 0 }));
		});
		request.on('error', reject);
		request.end();
	});
}

/** Sends the headers and half the body now, the rest on `finish()`. */
function sendSlowly(agent: Agent, path: string, body: string) {
	let request!: ReturnType<typeof httpRequest>;
	const response = new Promise<{ status: number }>((resolve, reject) => {
		request = httpRequest(
			`${server.url}${path}`,
			{
				method: 'POST',
				agent,
				headers: {
					origin: server.url,
					accept: 'text/html',
					'content-type': 'application/x-www-form-urlencoded',
					'content-length': Buffer.byteLength(body)
				}
			},
			(reply) => {
				reply.resume();
				reply.on('end', () => resolve({ status: reply.statusCode ?? 0 }));
			}
		);
		request.on('error', reject);
	});
	const half = Math.floor(body.length / 2);
	request.write(body.slice(0, half));
	return { response, finish: () => request.end(body.slice(half)) };
}
