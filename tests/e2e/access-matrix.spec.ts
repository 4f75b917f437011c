import { expect, test } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import {
	buildAccessFixture,
	emulatorOrigin,
	markerOf,
	payForPackage,
	send,
	type AccessFixture
} from './access-fixture';
import { discoverOperations } from './access-routes';
import {
	accessTable,
	accessTableMarkdown,
	callers,
	type AccessRow,
	type Caller
} from './access-table';
import { firstE2e, queryE2e } from './e2e-db';
import type { RawResponse } from './raw-http';

test('the access table lists every route, action and refused method under src/routes, and no other', () => {
	const discovered = discoverOperations().map((found) => found.operation);
	const listed = accessTable.map((entry) => entry.operation);
	expect(listed.filter((operation, index) => listed.indexOf(operation) !== index)).toEqual([]);
	expect(
		discovered.filter((operation) => !listed.includes(operation)),
		'on disk, missing from access-table.ts'
	).toEqual([]);
	expect(
		listed.filter((operation) => !discovered.includes(operation)),
		'in access-table.ts, not on disk'
	).toEqual([]);
});

const reportPath = 'docs/reliability.md';
const tableStart = '<!-- access-matrix:start (written by tests/e2e/access-matrix.spec.ts) -->';
const tableEnd = '<!-- access-matrix:end -->';

test('the reliability report shows the access table as it is', () => {
	const report = readFileSync(reportPath, 'utf8');
	const start = report.indexOf(tableStart);
	const end = report.indexOf(tableEnd);
	expect(start, `${reportPath} has the access matrix markers`).toBeGreaterThan(-1);
	if (process.env.ACCESS_MATRIX_WRITE_REPORT === '1')
		writeFileSync(
			reportPath,
			`${report.slice(0, start + tableStart.length)}\n${accessTableMarkdown()}\n${report.slice(end)}`
		);
	else
		expect(
			cellsOf(report.slice(start + tableStart.length, end)),
			'run with ACCESS_MATRIX_WRITE_REPORT=1 (then npm run format) to rewrite it'
		).toEqual(cellsOf(accessTableMarkdown()));
});

/** A Markdown table's cells, whatever padding Prettier gave it. */
function cellsOf(markdown: string): string[][] {
	return markdown
		.split('\n')
		.filter((line) => line.startsWith('|') && !/^\|[-| ]+\|$/.test(line))
		.map((line) =>
			line
				.split('|')
				.slice(1, -1)
				.map((cell) => cell.trim())
		);
}

test.describe('over HTTP', () => {
	test.describe.configure({ mode: 'serial' });
	let fixture: AccessFixture;

	test.beforeAll(async ({ baseURL }) => {
		test.setTimeout(90_000);
		fixture = await buildAccessFixture(baseURL!);
	});

	test('nothing of one user is visible to another, and someone else’s checkout fulfils nothing', async ({
		baseURL
	}) => {
		const { owner, other, targets } = fixture;
		const asOther = { cookie: other.cookie };
		const otherBalance = () => balanceOf(baseURL!, fixture, other.id);
		const before = await otherBalance();

		// Paid but (most likely) not yet fulfilled: the other user gets there before the webhook.
		const fresh = await payForPackage(baseURL!, owner, 'basic');
		const visit = await send(baseURL!, {
			method: 'GET',
			path: `/settings/credits/success?session_id=${fresh.sessionId}`,
			headers: asOther
		});
		expect(visit.status).toBe(404);
		expect(await otherBalance()).toEqual(before);
		expect({
			buyer: await firstE2e('select user_id from purchases where id = ?', fresh.purchaseId),
			creditedToOther: await firstE2e(
				`select count(*) from transfers t join accounts a on a.id = t.user_account_id
				 where a.user_id = ? and t.reference = ?`,
				other.id,
				fresh.purchaseId
			)
		}).toEqual({ buyer: owner.id, creditedToOther: 0 });
		const ownVisit = await send(baseURL!, {
			method: 'GET',
			path: `/settings/credits/success?session_id=${fresh.sessionId}`,
			headers: { cookie: owner.cookie }
		});
		expect(ownVisit.status).toBe(200);
		await expect
			.poll(() => firstE2e('select status from purchases where id = ?', fresh.purchaseId))
			.toBe('paid');

		const secrets = await secretsOf(baseURL!, fixture, [fresh]);
		const ownerTransfers = await transferIdsOf(owner.id);
		// The owner's own views do show what the checks look for, as the pages write it.
		const seenByOwner = new Set<string>();
		for (const path of ['/settings/credits', '/settings/credits/transactions.csv'])
			for (const secret of secretsIn(
				(await send(baseURL!, { method: 'GET', path, headers: { cookie: owner.cookie } })).body,
				secrets
			))
				seenByOwner.add(secret.kind);
		expect([...seenByOwner].sort()).toEqual(
			expect.arrayContaining([
				'the owner’s available credits',
				'the owner’s email',
				'the owner’s marker',
				'the owner’s purchase'
			])
		);
		const ownerId = encodeURIComponent(owner.id);
		const probes = [
			'/',
			'/settings/credits',
			'/settings/credits/__data.json',
			'/settings/credits/history',
			'/settings/credits/history/__data.json',
			'/settings/credits/history?type=purchase',
			`/settings/credits/history?after=${Math.max(...ownerTransfers)}`,
			`/settings/credits/history?before=${Math.max(...ownerTransfers) + 1}`,
			'/settings/credits/transactions.csv',
			'/settings/credits/transactions.csv?type=purchase',
			`/settings/credits/success?session_id=${targets.sessionId}`,
			`/settings/credits/success/__data.json?session_id=${targets.sessionId}`,
			`/settings/credits/success?session_id=${fresh.sessionId}`,
			'/demo',
			'/demo/__data.json',
			'/api/v1/balance',
			'/api/v1/transactions',
			...[
				`user_id=${ownerId}`,
				`user_id=${ownerId}&user_id=${other.id}`,
				`user_id=${other.id}&user_id=${ownerId}`,
				`USER_ID=${ownerId}`,
				`user_id=%20${ownerId}`,
				`user_id=${ownerId}%00`,
				`user_id[]=${ownerId}`
			].flatMap((query) => [`/api/v1/balance?${query}`, `/api/v1/transactions?${query}`]),
			`/api/v1/transactions?starting_after=${Math.max(...ownerTransfers) + 1}`,
			'/api/v1/transactions?type=purchase',
			`/api/v1/holds/${targets.holdToCapture}`,
			`/api/v1/users?email=${encodeURIComponent(owner.email)}`,
			`/admin/users/${ownerId}`,
			`/admin/users/${ownerId}/__data.json`,
			`/admin/users/${ownerId}/transactions.csv`,
			`/admin/users?q=${encodeURIComponent(owner.email)}`,
			`/admin/purchases/${targets.purchaseId}`,
			'/admin/purchases'
		];
		const problems: string[] = [];
		for (const path of probes) {
			const response = await send(baseURL!, { method: 'GET', path, headers: asOther });
			if (response.status >= 500) problems.push(`${path}: ${response.status}`);
			for (const found of leaksIn(response.body, secrets)) problems.push(`${path} shows ${found}`);
			for (const id of transferIdsIn(response))
				if (ownerTransfers.includes(id)) problems.push(`${path} lists the owner's transfer ${id}`);
		}
		expect(problems).toEqual([]);

		// The same views do show the other user's own data: an empty page would pass the checks above.
		for (const path of [
			'/settings/credits/history',
			'/settings/credits/transactions.csv',
			'/api/v1/transactions'
		]) {
			const response = await send(baseURL!, { method: 'GET', path, headers: asOther });
			expect(response.body, path).toContain(markerOf(other));
		}
		console.log(
			`access matrix: ${probes.length} pages, exports and API reads of another user checked`
		);
	});

	test('every operation answers each caller as the table says, and refused ones write nothing', async ({
		baseURL
	}) => {
		test.setTimeout(120_000);
		const started = performance.now();
		const secrets = await secretsOf(baseURL!, fixture, []);
		const initial = await writesOf(fixture);
		const wrong: string[] = [];
		// Columns whose writes are refused first, then those that may write: the owner ends their
		// session, the key spends, and the admin promotes, signs out and deletes last of all.
		const order: Caller[] = ['signedOut', 'otherUser', 'revokedKey', 'user', 'apiKey', 'admin'];
		const rows = [
			...accessTable.filter((entry) => !entry.endsSession),
			...accessTable.filter((entry) => entry.endsSession)
		];
		let cells = 0;
		for (const caller of order) {
			if (caller === 'user')
				expect(await writesOf(fixture), 'after signed out, another user, revoked key').toEqual(
					initial
				);
			if (caller === 'admin')
				expect(lastingWritesOf(await writesOf(fixture)), 'after the user and the API key').toEqual(
					lastingWritesOf(initial)
				);
			for (const entry of rows) {
				const response = await send(baseURL!, requestOf(entry, caller, fixture));
				cells++;
				const answer = answerOf(response, baseURL!);
				if (answer !== entry.expect[caller])
					wrong.push(
						`${entry.operation} as ${caller}: expected ${entry.expect[caller]}, got ${answer} ${response.body.slice(0, 160)}`
					);
				if (['signedOut', 'otherUser', 'revokedKey'].includes(caller))
					for (const found of leaksIn(response.body, secrets))
						wrong.push(`${entry.operation} as ${caller} shows ${found}`);
			}
		}
		expect(wrong).toEqual([]);
		const routes = new Set(accessTable.map((entry) => entry.operation.split(/[ ?]/)[1])).size;
		console.log(
			`access matrix: ${routes} routes, ${accessTable.length} operations × ${callers.length} callers = ${cells} cells checked in ${Math.round(performance.now() - started)} ms`
		);
	});
});

function requestOf(entry: AccessRow, caller: Caller, { targets, headers }: AccessFixture) {
	const [method, route] = entry.operation.split(' ');
	const [routePath, action] = route.split('?');
	const query = new URLSearchParams(entry.query?.(targets)).toString();
	const search = [action, query].filter(Boolean).join('&');
	return {
		method: method === '*' ? entry.method! : method,
		path: (entry.path?.(targets) ?? routePath) + (search ? `?${search}` : ''),
		headers: headers[caller],
		form: entry.form?.(targets) ?? (method === 'POST' && !entry.json ? {} : undefined),
		json: entry.json?.(targets)
	};
}

/** `status` or `status location`, written as the table writes it. */
function answerOf(response: RawResponse, baseURL: string): string {
	const location = response.headers.location;
	if (!location) return String(response.status);
	const target = new URL(String(location), baseURL);
	const where = target.origin === emulatorOrigin ? 'checkout' : target.pathname;
	return `${response.status} ${where}`;
}

type Secret = { kind: string; value: string | number; pattern: RegExp };

/** What the owner's pages show and nobody else's may: email, ids, marker, balance figures. */
async function secretsOf(
	baseURL: string,
	fixture: AccessFixture,
	purchases: { sessionId: string; purchaseId: string }[]
): Promise<Secret[]> {
	const { owner, targets } = fixture;
	const { balance, available } = await balanceOf(baseURL, fixture, owner.id);
	const literal = (kind: string, text: string) => ({
		kind,
		value: text,
		pattern: new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i')
	});
	const ids = [{ sessionId: targets.sessionId, purchaseId: targets.purchaseId }, ...purchases];
	const paymentIntents = await Promise.all(
		ids.map(
			async ({ purchaseId }) =>
				(await firstE2e('select payment_intent_id from purchases where id = ?', purchaseId)) as
					string | null
		)
	);
	return [
		literal('the owner’s email', owner.email),
		literal('the owner’s marker', markerOf(owner)),
		...ids.flatMap(({ sessionId, purchaseId }) => [
			literal('the owner’s purchase', purchaseId),
			literal('the owner’s Checkout Session', sessionId)
		]),
		...paymentIntents.filter((id) => id !== null).map((id) => literal('the owner’s payment', id)),
		figure('the owner’s balance', balance),
		figure('the owner’s available credits', available)
	];
}

/** A number as a page or a file may write it (`7869`, `7,869`), not inside a longer one or a word. */
function figure(kind: string, value: number): Secret {
	const digits = value.toLocaleString('en-US').replace(/,/g, ',?');
	return {
		kind,
		value,
		pattern: new RegExp(`(?<![\\w.,])${digits}(?![\\w]|[.,]\\d)`)
	};
}

function secretsIn(body: string, secrets: Secret[]): Secret[] {
	return secrets.filter((secret) => secret.pattern.test(body));
}

function leaksIn(body: string, secrets: Secret[]): string[] {
	return secretsIn(body, secrets).map((secret) => `${secret.kind} ${secret.value}`);
}

async function balanceOf(baseURL: string, fixture: AccessFixture, userId: string) {
	const response = await send(baseURL, {
		method: 'GET',
		path: `/api/v1/balance?user_id=${encodeURIComponent(userId)}`,
		headers: fixture.headers.apiKey
	});
	expect(response.status).toBe(200);
	return JSON.parse(response.body) as { balance: number; available: number };
}

async function transferIdsOf(userId: string): Promise<number[]> {
	const rows = await queryE2e<{ id: number }>(
		'select t.id from transfers t join accounts a on a.id = t.user_account_id where a.user_id = ?',
		userId
	);
	return rows.map((row) => row.id);
}

/** The transfer ids an API answer lists (`data[].id`, `transfer_id`). */
function transferIdsIn(response: RawResponse): number[] {
	if (!String(response.headers['content-type']).startsWith('application/json')) return [];
	const body = JSON.parse(response.body) as { data?: { id: number }[]; transfer_id?: number };
	return [
		...(body.data ?? []).map((item) => item.id),
		...(body.transfer_id ? [body.transfer_id] : [])
	];
}

/** What a refused request could have changed about the owner's things. */
async function writesOf({ targets, owner, other }: AccessFixture) {
	const column = async (sql: string, ...params: (string | number)[]) =>
		(await queryE2e(sql, ...params)).map((row) => Object.values(row)[0]);
	return {
		auditByOrAbout: await firstE2e(
			`select count(*) from audit_log where actor_id in (?, ?) or target in (?, ?, ?, ?, ?, ?)`,
			owner.id,
			other.id,
			`user:${owner.id}`,
			`user:${other.id}`,
			`purchase:${targets.purchaseId}`,
			`event:${targets.eventId}`,
			`api_key:${targets.victimKeyId}`,
			`webhook:${targets.endpointId}`
		),
		roles: await column(
			'select role from users where id in (?, ?) order by id',
			owner.id,
			other.id
		),
		victimKeyRevoked: await firstE2e(
			'select revoked_at from api_keys where id = ?',
			targets.victimKeyId
		),
		endpoint: (
			await queryE2e(
				'select enabled, secret from webhook_endpoints where id = ?',
				targets.endpointId
			)
		)[0],
		keysMade: await firstE2e(
			'select count(*) from api_keys where name = ?',
			`access matrix ${targets.run}`
		),
		endpointsMade: await firstE2e(
			'select count(*) from webhook_endpoints where url like ?',
			`%access-matrix-${targets.run}`
		),
		purchase: (
			await queryE2e(
				'select status, amount_refunded_minor from purchases where id = ?',
				targets.purchaseId
			)
		)[0],
		ownerTransfers: (await transferIdsOf(owner.id)).length,
		otherTransfers: (await transferIdsOf(other.id)).length,
		holds: await column(
			'select status from holds where id in (?, ?) order by id',
			targets.holdToCapture,
			targets.holdToRelease
		),
		ownerSessions: await firstE2e('select count(*) from sessions where user_id = ?', owner.id)
	};
}

/** The writes nobody but an admin may make: the owner's own and the key's are allowed by then. */
function lastingWritesOf(writes: Awaited<ReturnType<typeof writesOf>>) {
	const { auditByOrAbout, roles, victimKeyRevoked, endpoint, keysMade, endpointsMade, purchase } =
		writes;
	return { auditByOrAbout, roles, victimKeyRevoked, endpoint, keysMade, endpointsMade, purchase };
}
