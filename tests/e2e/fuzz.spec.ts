import { expect, test } from '@playwright/test';
import fc from 'fast-check';
import { rmSync } from 'node:fs';
import { changedTables, readDbState, type DbState } from './fuzz/db-state';
import { probesFor, type Probe } from './fuzz/probes';
import { sendRequest, type Answer } from './fuzz/send';
import { targetName, targets, type Caller, type Fixture, type Target } from './fuzz/targets';
import { sessionCookieOf, uniqueEmail } from './helpers';
import { startServerProcess, type ServerProcess } from './server-process';

/**
 * Property-based fuzzing of every form action and API endpoint over HTTP against the built app
 * (docs/reliability.md, "Fuzzing"): each bad input is answered with a 4xx that says what is wrong,
 * never a 5xx, and writes nothing (every table's rows compared before and after each input).
 * FUZZ_RUNS sets the inputs per target (CI: 40; `npm run test:stress`: 400), FUZZ_SEED replays a run.
 */

const runs = Number(process.env.FUZZ_RUNS ?? 40);
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

// One server for the file; the tests run in order in one worker and a failing one does not stop the rest.
test.describe.configure({ mode: 'default', timeout: 60_000 + runs * 2_000 });

let server: ServerProcess;
let fixture: Fixture & { webhookSecret: string };
let credentials: Record<Caller, Record<string, string>>;
const tried = new Map<string, number>();

/** Messages of a malformed form body, shared by every action (readForm, SvelteKit, adapter-node). */
const bodyMessages =
	/Send the form as|The form could not be read|repeats the field|Unsupported Media Type|Payload Too Large/;

function send(probe: Probe, caller: Caller): Promise<Answer> {
	return sendRequest(server.url, {
		...probe,
		headers: { origin: server.url, ...credentials[caller], ...probe.headers }
	});
}

const urlencoded = 'application/x-www-form-urlencoded';

function post(path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
	return fetch(`${server.url}${path}`, {
		method: 'POST',
		body: new URLSearchParams(form),
		redirect: 'manual',
		headers: { origin: server.url, accept: 'text/html', ...headers }
	});
}

/** The right callers and one of each thing they act on, made through the app as its users would. */
async function makeFixture(): Promise<typeof fixture> {
	const admin = server.demoLogin('admin');
	const adminCookie = sessionCookieOf(
		await post('/login', { email: admin.email, password: admin.password })
	);
	const userEmail = uniqueEmail('fuzz-user');
	const userPassword = 'fuzz user password 1';
	const userCookie = sessionCookieOf(
		await post('/signup', { email: userEmail, password: userPassword })
	);
	const userId = await server.first<string>('select id from users where email = ?', userEmail);
	const json = { cookie: adminCookie, accept: 'application/json' };
	const makeKey = async (name: string) => {
		const text = await (await post('/admin/api-keys?/create', { name }, json)).text();
		return /ck_[a-z2-7]{16}_[a-z2-7]{24}/.exec(text)![0];
	};
	const key = await makeKey('fuzz caller');
	await makeKey('fuzz spare');
	const spareKeyId = String(
		await server.first("select id from api_keys where name = 'fuzz spare'")
	);

	const buy = await post('/settings/credits?/buy', { packageId: 'basic' }, { cookie: userCookie });
	expect(buy.status).toBe(303);
	const paid = await fetch(buy.headers.get('location')!, {
		method: 'POST',
		body: new URLSearchParams({ email: userEmail, card_number: '4242424242424242' }),
		redirect: 'manual'
	});
	expect(paid.status).toBe(303);
	expect(
		(await fetch(paid.headers.get('location')!, { headers: { cookie: userCookie } })).status
	).toBe(200);
	const purchaseId = await server.first<string>("select id from purchases where status = 'paid'");

	const hold = await fetch(`${server.url}/api/v1/holds`, {
		method: 'POST',
		headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
		body: JSON.stringify({
			user_id: userId,
			amount: 5,
			idempotency_key: 'fuzz-fixture-hold',
			expires_in_seconds: 86_400
		})
	});
	expect(hold.status).toBe(200);
	const { hold_id: holdId } = (await hold.json()) as { hold_id: number };

	// Made last and subscribed to an event nothing here sends, so no delivery is under way while fuzzing.
	expect(
		(
			await post(
				'/admin/webhooks?/create',
				{ url: 'https://fuzz.example/hook', eventTypes: 'hold.expired' },
				json
			)
		).status
	).toBe(200);
	const endpointId = await server.first<string>('select id from webhook_endpoints');
	await settled();
	const eventId = await server.first<string>('select id from stripe_events limit 1');

	credentials = {
		visitor: {},
		user: { cookie: userCookie },
		admin: { cookie: adminCookie },
		key: { authorization: `Bearer ${key}` },
		stripe: {}
	};
	return {
		userId,
		userEmail,
		userPassword,
		purchaseId,
		eventId,
		spareKeyId,
		endpointId,
		holdId: String(holdId),
		webhookSecret: server.webhookSecret()
	};
}

const snapshot = () => readDbState(server.databaseUrl);

/** Waits until the emulator's webhook deliveries of the fixture's purchase have all been handled. */
async function settled() {
	let previous = '';
	await expect
		.poll(
			async () => {
				const now = JSON.stringify(await snapshot());
				const quiet = now === previous;
				previous = now;
				return quiet;
			},
			{ timeout: 60_000, intervals: [2_000] }
		)
		.toBe(true);
}

test.beforeAll(async () => {
	test.setTimeout(240_000);
	// A worker that failed a test is replaced, and the new one starts a server of its own.
	const name = `fuzz-${test.info().workerIndex}`;
	rmSync(`tests/.tmp/${name}`, { recursive: true, force: true });
	// Raised so that inputs reach validation; the sign-in limit is not configurable and still answers 429 (last test).
	server = await startServerProcess(name, 40, {
		SIGNUP_LIMIT_PER_IP: '1000000',
		API_RATE_LIMIT_PER_MINUTE: '1000000',
		STRIPE_EMULATOR_DELIVERY: 'orderly'
	});
	fixture = await makeFixture();
});

const fuzzStarted = performance.now();

test.afterAll(async () => {
	if (!server) return;
	process.kill(server.pid, 'SIGTERM');
	await server.exited;
	const total = [...tried.values()].reduce((sum, n) => sum + n, 0);
	const seconds = Math.round((performance.now() - fuzzStarted) / 1000);
	console.log(`fuzz: ${total} inputs to ${tried.size} targets in ${seconds} s (FUZZ_RUNS=${runs})`);
});

/** The status a person or program sees: a JSON client's `fail()` is a 200 with the status inside. */
function answerOf(response: Answer) {
	const { body } = response;
	if (response.status === 200 && response.contentType.includes('json')) {
		try {
			const result = JSON.parse(body) as { type?: string; status?: number };
			if (result.type === 'failure' || result.type === 'redirect')
				return { status: result.status ?? 0, body };
		} catch {
			// Not SvelteKit's action result: the HTTP status stands.
		}
	}
	return { status: response.status, body };
}

/** A 404 or 409 of an admin command is audited as refused (one audit_log row); nothing else may change. */
async function isAuditedRefusal(target: Target, status: number, before: DbState, after: DbState) {
	const changed = changedTables(before, after);
	if (target.caller !== 'admin' || ![404, 409].includes(status)) return false;
	if (changed.length !== 1 || changed[0].table !== 'audit_log') return false;
	if (after.audit_log.rows !== before.audit_log.rows + 1) return false;
	return (
		(await server.first('select outcome from audit_log order by id desc limit 1')) === 'refused'
	);
}

function checkMessage(target: Target, body: string, what: string) {
	if (target.kind === 'form') {
		const pattern = new RegExp(
			target.message ? `${bodyMessages.source}|${target.message.source}` : bodyMessages.source
		);
		expect(body, `${what}: the answer says what is wrong`).toMatch(pattern);
		return;
	}
	const parsed = JSON.parse(body) as { error?: { code?: string; message?: string } };
	expect(parsed.error?.code, `${what}: an error code`).toEqual(expect.any(String));
	expect(parsed.error?.message, `${what}: an error message`).toMatch(/\w{3}/);
	if (target.message) expect(parsed.error?.message, what).toMatch(target.message);
}

/** Sends one probe as the target's caller and checks the answer and the database. */
async function probe(target: Target, probe: Probe) {
	const before = await snapshot();
	const { status, body } = answerOf(await send(probe, target.caller));
	const after = await snapshot();
	const what = `${targetName(target)} ${probe.label} → ${status}`;
	expect(status, `${what}: ${body.slice(0, 300)}`).toBeLessThan(500);
	const changed = changedTables(before, after);
	if (changed.length > 0 && !(await isAuditedRefusal(target, status, before, after)))
		throw new Error(`${what} wrote ${JSON.stringify(changed)}`);
	if (target.ignoresInput) return;
	const previewed = target.kind === 'form' && target.previews && status === 200;
	if (!previewed) expect(status, `${what}: ${body.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
	checkMessage(target, body, what);
}

async function fuzz(target: Target) {
	const name = targetName(target);
	const started = performance.now();
	let count = 0;
	await fc.assert(
		fc.asyncProperty(probesFor(target, fixture), async (input) => {
			count++;
			await probe(target, input);
		}),
		{ numRuns: runs, seed, endOnFailure: true }
	);
	tried.set(name, count);
	console.log(`fuzz: ${name}: ${count} inputs in ${Math.round(performance.now() - started)} ms`);
}

const targetNamed = (name: string) => targets.find((target) => targetName(target) === name)!;
const form = (path: string, body: string, contentType = urlencoded): Probe => ({
	method: 'POST',
	path,
	headers: { accept: 'text/html', 'content-type': contentType },
	body: Buffer.from(body),
	label: body.slice(0, 60)
});

test('the inputs the fuzz run found accepted are refused and write nothing', async () => {
	const found: [string, Probe][] = [
		// Two copies of a field: form.get read the first, Object.fromEntries the last.
		[
			'POST /settings/credits?/buy',
			form('/settings/credits?/buy', 'packageId=basic&packageId=basic')
		],
		[
			'POST /demo?/generate',
			form('/demo?/generate', `topic=a&topic=b&attempt=${Date.now()}-${crypto.randomUUID()}`)
		],
		['POST /admin/api-keys?/create', form('/admin/api-keys?/create', 'name=a&name=b')],
		// SvelteKit drops a body sent without a content type: the release ran with its default key.
		[
			'POST /api/v1/holds/[id]/release',
			{
				method: 'POST',
				path: `/api/v1/holds/${fixture.holdId}/release`,
				headers: {},
				body: Buffer.from('{"idempotency_key":"fuzz-release"}'),
				label: 'a JSON body without a content type'
			}
		],
		// Stripe's library threw an internal message ("secureCompare must receive two arguments").
		[
			'POST /api/webhooks/stripe',
			{
				method: 'POST',
				path: '/api/webhooks/stripe',
				headers: { 'content-type': 'application/json', 'stripe-signature': 't=,v1=' },
				body: Buffer.from('{"id":"evt_fuzz"}'),
				label: 'an empty v1 signature'
			}
		],
		// A file part echoed back into the form's data could not be serialized: a 500.
		[
			'POST /admin/api-keys?/create',
			form(
				'/admin/api-keys?/create',
				'--b\r\nContent-Disposition: form-data; name="name"; filename="a.txt"\r\n\r\nx\r\n--b--\r\n',
				'multipart/form-data; boundary=b'
			)
		],
		// Actions that never read their body ran on any body at all.
		['POST /admin/events?/reconcile', form('/admin/events?/reconcile', 'x', 'text/plain')],
		[
			'POST /admin/webhooks/[id]?/disable',
			form(`/admin/webhooks/${fixture.endpointId}?/disable`, `x=${'x'.repeat(600_000)}`)
		],
		// Nothing to grant was a 200 with an audit entry.
		['POST /admin/grants/bulk?/apply', form('/admin/grants/bulk?/apply', 'rows=not,a,grant,line')],
		// z.coerce.number read 2e0 and 0x2 as key 2.
		[
			'POST /admin/api-keys?/revoke',
			form('/admin/api-keys?/revoke', `id=${fixture.spareKeyId}e0&confirm=yes`)
		],
		[
			'POST /admin/api-keys?/revoke',
			form('/admin/api-keys?/revoke', `id=0x${Number(fixture.spareKeyId).toString(16)}&confirm=yes`)
		]
	];
	for (const [name, input] of found) await probe(targetNamed(name), input);
});

for (const target of targets) {
	test(`${targetName(target)} answers every bad input with a 4xx that says why, and writes nothing`, async () => {
		await fuzz(target);
	});
}

test('the sign-in limit, which fuzzing does not raise, still answers 429', async () => {
	const statuses: number[] = [];
	for (let attempt = 0; attempt < 6; attempt++)
		statuses.push(
			(await post('/login', { email: fixture.userEmail, password: 'a wrong password' })).status
		);
	expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
});
