import { expect, test } from '@playwright/test';
import { adminEmail } from './helpers';
import { api, createApiKey } from './credits-api';
import { firstE2e, verifyE2eLedger } from './e2e-db';
import { rawRequest, signInRaw, signUpRaw } from './raw-http';

const signUpBonus = 50;
let key = '';

test.beforeAll(() => {
	test.setTimeout(60_000);
	key = createApiKey(`e2e credits api ${test.info().workerIndex}`);
});

test.afterAll(async () => {
	expect(await verifyE2eLedger()).toEqual([]);
});

const unique = (label: string) => `${label}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
const transfersOf = (userId: string) =>
	firstE2e<number>(
		`select count(*) from transfers join accounts on accounts.id = transfers.user_account_id
		where accounts.user_id = ?`,
		userId
	);

test('a spend answers the new balance; a retry replays it byte for byte; a reused key with another body is refused', async ({
	baseURL
}) => {
	const { userId } = await signUpRaw(baseURL!);
	const idempotencyKey = unique('export');
	const body = {
		user_id: userId,
		amount: 5,
		idempotency_key: idempotencyKey,
		reason: 'PDF export',
		metadata: { document: 'doc_7' }
	};
	const first = await api(baseURL!, { path: '/api/v1/spend', key, body });
	expect(first.status).toBe(200);
	expect(first.json).toEqual({
		transfer_id: expect.any(Number),
		balance: signUpBonus - 5,
		available: signUpBonus - 5
	});
	expect(first.headers['idempotent-replayed']).toBeUndefined();

	// The same request with its fields in another order is the same request.
	const { metadata, ...rest } = body;
	const retry = await api(baseURL!, { path: '/api/v1/spend', key, body: { metadata, ...rest } });
	expect(retry.status).toBe(200);
	expect(retry.body).toBe(first.body);
	expect(retry.headers['idempotent-replayed']).toBe('true');

	const reused = await api(baseURL!, { path: '/api/v1/spend', key, body: { ...body, amount: 6 } });
	expect(reused.status).toBe(409);
	expect(reused.json.error).toMatchObject({
		code: 'idempotency_conflict',
		param: 'idempotency_key'
	});

	const balance = await api(baseURL!, { path: `/api/v1/balance?user_id=${userId}`, key });
	expect(balance.json).toEqual({
		user_id: userId,
		balance: signUpBonus - 5,
		available: signUpBonus - 5,
		on_hold: 0,
		expiring_soon: signUpBonus - 5,
		debt: 0
	});
	const history = await api(baseURL!, { path: `/api/v1/transactions?user_id=${userId}`, key });
	expect(history.json.data[0]).toMatchObject({
		id: first.json.transfer_id,
		type: 'spend',
		amount: 5,
		balance_change: -5,
		balance_after: signUpBonus - 5,
		reason: 'PDF export',
		metadata: { document: 'doc_7' }
	});
	expect(await transfersOf(userId)).toBe(2);
});

test('a refused spend names its reason with a stable code and writes nothing', async ({
	baseURL
}) => {
	const { userId } = await signUpRaw(baseURL!);
	const valid = { user_id: userId, amount: 5, idempotency_key: unique('refused'), reason: 'probe' };
	const spend = (body: unknown) => api(baseURL!, { path: '/api/v1/spend', key, body });

	const tooMuch = await spend({ ...valid, amount: 1000 });
	expect(tooMuch.status).toBe(402);
	expect(tooMuch.json.error.code).toBe('insufficient_credits');

	const nobody = await spend({ ...valid, user_id: 'nobody' });
	expect(nobody.status).toBe(404);
	expect(nobody.json.error).toMatchObject({ code: 'user_not_found', param: 'user_id' });

	const invalid: [unknown, string][] = [
		[{ ...valid, extra: 1 }, 'extra'],
		[{ ...valid, amount: 1.5 }, 'amount'],
		[{ ...valid, amount: 0 }, 'amount'],
		[{ ...valid, amount: -3 }, 'amount'],
		[{ ...valid, amount: 2_000_000_000 }, 'amount'],
		[{ ...valid, amount: '5' }, 'amount'],
		[{ ...valid, reason: undefined }, 'reason'],
		[{ ...valid, idempotency_key: '' }, 'idempotency_key'],
		[{ ...valid, metadata: { size: 3 } }, 'metadata.size'],
		[
			{
				...valid,
				metadata: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v']))
			},
			'metadata'
		]
	];
	for (const [body, param] of invalid) {
		const response = await spend(body);
		expect(response.status, param).toBe(400);
		expect(response.json.error, param).toMatchObject({ code: 'invalid_request', param });
	}
	for (const rawBody of ['{"user_id":', '[]', '"spend"']) {
		const response = await api(baseURL!, {
			path: '/api/v1/spend',
			key,
			rawBody,
			headers: { 'content-type': 'application/json' }
		});
		expect(response.status, rawBody).toBe(400);
		expect(response.json.error.code, rawBody).toBe('invalid_request');
	}
	for (const type of ['application/x-www-form-urlencoded', 'text/plain']) {
		const response = await api(baseURL!, {
			path: '/api/v1/spend',
			key,
			rawBody: new URLSearchParams({ user_id: userId, amount: '5' }).toString(),
			headers: { 'content-type': type }
		});
		expect(response.status, type).toBe(415);
		expect(response.json.error.code).toBe('unsupported_media_type');
	}
	const huge = await spend({ ...valid, reason: 'x'.repeat(17_000) });
	expect(huge.status).toBe(413);
	expect(huge.json.error.code).toBe('payload_too_large');

	for (const authorization of [
		undefined,
		'Bearer ck_nope',
		`Basic ${key}`,
		'Bearer ck_aaaaaaaaaaaaaaaa_aaaaaaaaaaaaaaaaaaaaaaaa'
	]) {
		const response = await api(baseURL!, {
			path: '/api/v1/spend',
			body: valid,
			headers: authorization ? { authorization } : {}
		});
		expect(response.status, authorization).toBe(401);
		expect(response.json.error.code).toBe('unauthorized');
	}
	expect(await transfersOf(userId)).toBe(1);
});

test('an account in debt cannot spend: 423', async ({ baseURL }) => {
	const { userId } = await signUpRaw(baseURL!);
	const admin = await signInRaw(baseURL!, adminEmail);
	const deduct = await rawRequest(baseURL!, {
		method: 'POST',
		path: `/admin/users/${userId}?/deduct`,
		headers: {
			cookie: admin,
			origin: new URL(baseURL!).origin,
			accept: 'text/html',
			'content-type': 'application/x-www-form-urlencoded'
		},
		body: new URLSearchParams({
			amount: String(signUpBonus + 10),
			reason: 'chargeback in test',
			allowDebt: 'on',
			idempotencyKey: unique('debt'),
			confirm: 'yes'
		}).toString()
	});
	expect(deduct.status).toBe(200);
	const balance = await api(baseURL!, { path: `/api/v1/balance?user_id=${userId}`, key });
	expect(balance.json).toMatchObject({ balance: -10, available: -10, debt: 10 });

	const spend = await api(baseURL!, {
		path: '/api/v1/spend',
		key,
		body: { user_id: userId, amount: 1, idempotency_key: unique('in-debt'), reason: 'probe' }
	});
	expect(spend.status).toBe(423);
	expect(spend.json.error.code).toBe('account_in_debt');
});

test('a hold reserves credits; a partial capture spends part and releases the rest; a second capture is refused', async ({
	baseURL
}) => {
	const { userId } = await signUpRaw(baseURL!);
	const before = Date.now();
	const held = await api(baseURL!, {
		path: '/api/v1/holds',
		key,
		body: {
			user_id: userId,
			amount: 30,
			idempotency_key: unique('job'),
			expires_in_seconds: 600,
			reason: 'render'
		}
	});
	expect(held.status).toBe(200);
	expect(held.json).toMatchObject({
		user_id: userId,
		status: 'pending',
		amount: 30,
		captured: 0,
		balance: signUpBonus,
		available: signUpBonus - 30
	});
	const expiresAt = Date.parse(held.json.expires_at);
	expect(expiresAt).toBeGreaterThanOrEqual(before + 600_000);
	expect(expiresAt).toBeLessThan(Date.now() + 601_000);
	const path = `/api/v1/holds/${held.json.hold_id}`;
	expect((await api(baseURL!, { path, key })).json.status).toBe('pending');

	const captureBody = { amount: 12, idempotency_key: unique('capture') };
	const captured = await api(baseURL!, { path: `${path}/capture`, key, body: captureBody });
	expect(captured.status).toBe(200);
	expect(captured.json).toMatchObject({
		status: 'captured',
		amount: 30,
		captured: 12,
		balance: signUpBonus - 12,
		available: signUpBonus - 12
	});
	const replay = await api(baseURL!, { path: `${path}/capture`, key, body: captureBody });
	expect(replay.body).toBe(captured.body);
	expect(replay.headers['idempotent-replayed']).toBe('true');

	const again = await api(baseURL!, {
		path: `${path}/capture`,
		key,
		body: { idempotency_key: unique('capture') }
	});
	expect(again.status).toBe(409);
	expect(again.json.error.code).toBe('hold_not_pending');

	const over = await api(baseURL!, {
		path: '/api/v1/holds',
		key,
		body: { user_id: userId, amount: 10, idempotency_key: unique('job'), expires_in_seconds: 60 }
	});
	const overCapture = await api(baseURL!, {
		path: `/api/v1/holds/${over.json.hold_id}/capture`,
		key,
		body: { amount: 11, idempotency_key: unique('capture') }
	});
	expect(overCapture.status).toBe(400);
	expect(overCapture.json.error).toMatchObject({ code: 'invalid_request', param: 'amount' });
	expect(
		(await api(baseURL!, { path: `/api/v1/balance?user_id=${userId}`, key })).json
	).toMatchObject({
		balance: signUpBonus - 12,
		available: signUpBonus - 22,
		on_hold: 10
	});
});

test('a release gives the hold back and replays when retried; an expired hold cannot be captured', async ({
	baseURL
}) => {
	const { userId } = await signUpRaw(baseURL!);
	const hold = (amount: number, seconds: number) =>
		api(baseURL!, {
			path: '/api/v1/holds',
			key,
			body: {
				user_id: userId,
				amount,
				idempotency_key: unique('job'),
				expires_in_seconds: seconds
			}
		});
	const released = await hold(20, 600);
	const release = `/api/v1/holds/${released.json.hold_id}/release`;
	const first = await api(baseURL!, { method: 'POST', path: release, key });
	expect(first.status).toBe(200);
	expect(first.json).toMatchObject({ status: 'released', captured: 0, available: signUpBonus });
	const retry = await api(baseURL!, { method: 'POST', path: release, key });
	expect(retry.body).toBe(first.body);
	expect(retry.headers['idempotent-replayed']).toBe('true');
	const another = await api(baseURL!, {
		path: release,
		key,
		body: { idempotency_key: unique('release') }
	});
	expect(another.status).toBe(409);
	expect(another.json.error.code).toBe('hold_not_pending');

	const expiring = await hold(15, 1);
	expect(expiring.json.available).toBe(signUpBonus - 15);
	await new Promise((resolve) => setTimeout(resolve, 1_500));
	const path = `/api/v1/holds/${expiring.json.hold_id}`;
	const expired = await api(baseURL!, { path, key });
	expect(expired.json).toMatchObject({ status: 'expired', captured: 0, available: signUpBonus });
	const late = await api(baseURL!, {
		path: `${path}/capture`,
		key,
		body: { idempotency_key: unique('capture') }
	});
	expect(late.status).toBe(409);
	expect(late.json.error.code).toBe('hold_not_pending');

	for (const seconds of [0, 86_401, 1.5]) {
		const response = await hold(5, seconds);
		expect(response.status, String(seconds)).toBe(400);
		expect(response.json.error.param).toBe('expires_in_seconds');
	}
	for (const missing of ['/api/v1/holds/999999999', '/api/v1/holds/abc', '/api/v1/holds/0']) {
		const read = await api(baseURL!, { path: missing, key });
		expect(read.status, missing).toBe(404);
		expect(read.json.error.code).toBe('hold_not_found');
		const capture = await api(baseURL!, {
			path: `${missing}/capture`,
			key,
			body: { idempotency_key: unique('capture') }
		});
		expect(capture.status, missing).toBe(404);
		expect(capture.json.error.code).toBe('hold_not_found');
	}
});

test('a grant adds credits once, optionally expiring; a past expiry or unknown category is a 400', async ({
	baseURL
}) => {
	const { userId } = await signUpRaw(baseURL!);
	const body = {
		user_id: userId,
		amount: 100,
		idempotency_key: unique('promo'),
		reason: 'Launch promotion',
		expires_at: new Date(Date.now() + 90 * 86_400_000).toISOString()
	};
	const granted = await api(baseURL!, { path: '/api/v1/grants', key, body });
	expect(granted.status).toBe(200);
	expect(granted.json).toMatchObject({ balance: signUpBonus + 100, available: signUpBonus + 100 });
	const retry = await api(baseURL!, { path: '/api/v1/grants', key, body });
	expect(retry.body).toBe(granted.body);
	expect(retry.headers['idempotent-replayed']).toBe('true');

	const cases: [Record<string, unknown>, string][] = [
		[{ expires_at: '2001-01-01T00:00:00Z' }, 'expires_at'],
		[{ expires_at: 'tomorrow' }, 'expires_at'],
		[{ category: 'gold' }, 'category'],
		[{ reason: '' }, 'reason']
	];
	for (const [change, param] of cases) {
		const response = await api(baseURL!, {
			path: '/api/v1/grants',
			key,
			body: { ...body, idempotency_key: unique('promo'), ...change }
		});
		expect(response.status, param).toBe(400);
		expect(response.json.error).toMatchObject({ code: 'invalid_request', param });
	}
	const nobody = await api(baseURL!, {
		path: '/api/v1/grants',
		key,
		body: { ...body, user_id: 'nobody', idempotency_key: unique('promo') }
	});
	expect(nobody.status).toBe(404);
	expect(await transfersOf(userId)).toBe(2);
});

test('transactions page newest first by keyset, filter by type, and refuse bad parameters', async ({
	baseURL
}) => {
	const { userId } = await signUpRaw(baseURL!);
	const ids: number[] = [];
	for (const amount of [1, 2, 3]) {
		const spent = await api(baseURL!, {
			path: '/api/v1/spend',
			key,
			body: { user_id: userId, amount, idempotency_key: unique('page'), reason: `spend ${amount}` }
		});
		ids.push(spent.json.transfer_id);
	}
	const list = (query: string) =>
		api(baseURL!, { path: `/api/v1/transactions?user_id=${userId}&${query}`, key });
	const first = await list('limit=2');
	expect(first.json.data.map((t: { id: number }) => t.id)).toEqual([ids[2], ids[1]]);
	expect(first.json).toMatchObject({ has_more: true, next_cursor: String(ids[1]) });
	const second = await list(`limit=2&starting_after=${first.json.next_cursor}`);
	expect(second.json.data.map((t: { type: string }) => t.type)).toEqual(['spend', 'grant']);
	expect(second.json).toMatchObject({ has_more: false, next_cursor: null });
	const grants = await list('type=grant');
	expect(grants.json.data).toHaveLength(1);
	expect(grants.json.data[0]).toMatchObject({ amount: signUpBonus, balance_change: signUpBonus });

	for (const [query, param] of [
		['limit=0', 'limit'],
		['limit=101', 'limit'],
		['limit=ten', 'limit'],
		['starting_after=x', 'starting_after'],
		['type=gift', 'type'],
		['color=red', 'color']
	]) {
		const response = await list(query);
		expect(response.status, query).toBe(400);
		expect(response.json.error, query).toMatchObject({ code: 'invalid_request', param });
	}
	const withoutUser = await api(baseURL!, { path: '/api/v1/transactions', key });
	expect(withoutUser.status).toBe(400);
	expect(withoutUser.json.error.param).toBe('user_id');
	const nobody = await api(baseURL!, { path: '/api/v1/transactions?user_id=nobody', key });
	expect(nobody.status).toBe(404);
	expect(nobody.json.error.code).toBe('user_not_found');
});

test('users?email= maps an email to the Credits user id', async ({ baseURL }) => {
	const { userId, email } = await signUpRaw(baseURL!);
	const found = await api(baseURL!, {
		path: `/api/v1/users?email=${encodeURIComponent(email.toUpperCase())}`,
		key
	});
	expect(found.status).toBe(200);
	expect(found.json).toMatchObject({ user_id: userId, email });
	const missing = await api(baseURL!, { path: '/api/v1/users?email=nobody%40e2e.test', key });
	expect(missing.status).toBe(404);
	expect(missing.json.error).toMatchObject({ code: 'user_not_found', param: 'email' });
	for (const query of ['', '?email=not-an-email']) {
		const bad = await api(baseURL!, { path: `/api/v1/users${query}`, key });
		expect(bad.status, query).toBe(400);
		expect(bad.json.error.param).toBe('email');
	}
});

test('a session reads only its own balance and transactions, and can do nothing else', async ({
	baseURL
}) => {
	const alice = await signUpRaw(baseURL!);
	const bob = await signUpRaw(baseURL!);
	const asAlice = (path: string) => api(baseURL!, { path, cookie: alice.cookie });

	const own = await asAlice('/api/v1/balance');
	expect(own.status).toBe(200);
	expect(own.json).toMatchObject({ user_id: alice.userId, balance: signUpBonus });
	expect((await asAlice(`/api/v1/balance?user_id=${alice.userId}`)).status).toBe(200);
	expect((await asAlice('/api/v1/transactions')).json.data).toHaveLength(1);

	for (const endpoint of ['/api/v1/balance', '/api/v1/transactions']) {
		const other = await asAlice(`${endpoint}?user_id=${bob.userId}`);
		const ghost = await asAlice(`${endpoint}?user_id=nobody`);
		expect(other.status, endpoint).toBe(403);
		expect(other.json.error).toMatchObject({ code: 'forbidden', param: 'user_id' });
		// The same answer whether or not the account exists: nothing to learn by probing ids.
		expect(ghost.body).toBe(other.body);
	}
	for (const path of ['/api/v1/holds/1', `/api/v1/users?email=${encodeURIComponent(bob.email)}`]) {
		const response = await asAlice(path);
		expect(response.status, path).toBe(401);
	}
	const body = { user_id: alice.userId, amount: 5, idempotency_key: unique('s'), reason: 'x' };
	for (const path of ['/api/v1/spend', '/api/v1/grants']) {
		for (const headers of [{}, { origin: new URL(baseURL!).origin }] as Record<string, string>[]) {
			const response = await api(baseURL!, { path, cookie: alice.cookie, body, headers });
			expect(response.status, path).toBe(401);
			expect(response.json.error.code).toBe('unauthorized');
		}
	}
	// A browser on another site is stopped before the API even sees the request.
	const crossSite = await rawRequest(baseURL!, {
		method: 'POST',
		path: '/api/v1/spend',
		headers: {
			cookie: alice.cookie,
			origin: 'https://evil.example',
			'content-type': 'application/json'
		},
		body: JSON.stringify(body)
	});
	expect(crossSite.status).toBe(403);
	expect(await transfersOf(alice.userId)).toBe(1);
	const signedOut = await api(baseURL!, { path: '/api/v1/balance' });
	expect(signedOut.status).toBe(401);
});

test('each key is rate limited: 429 with Retry-After', async ({ baseURL }) => {
	test.setTimeout(60_000);
	const own = createApiKey('e2e rate limit');
	const { userId } = await signUpRaw(baseURL!);
	const limited: Awaited<ReturnType<typeof api>>[] = [];
	// The e2e server allows 200 requests a minute per key (playwright.config.ts).
	for (let batch = 0; batch < 6 && limited.length === 0; batch++) {
		const responses = await Promise.all(
			Array.from({ length: 50 }, () =>
				api(baseURL!, { path: `/api/v1/balance?user_id=${userId}`, key: own })
			)
		);
		limited.push(...responses.filter((response) => response.status === 429));
	}
	expect(limited.length).toBeGreaterThan(0);
	expect(limited[0].json.error.code).toBe('rate_limited');
	expect(Number(limited[0].headers['retry-after'])).toBeGreaterThanOrEqual(1);
	// Another key is not slowed down by this one.
	expect((await api(baseURL!, { path: `/api/v1/balance?user_id=${userId}`, key })).status).toBe(
		200
	);
});

test('an unknown API path answers 404 in the API’s error shape', async ({ baseURL }) => {
	const response = await api(baseURL!, { path: '/api/v1/refunds', key });
	expect(response.status).toBe(404);
	expect(response.json.error.code).toBe('not_found');
});
