import { expect, test } from '@playwright/test';
import { createApiKey } from './credits-api';
import { firstE2e } from './e2e-db';
import { rawRequest, signUpRaw, type RawResponse } from './raw-http';

// Every spelling a hostile client might try for the admin area; SvelteKit matches routes on the
// decoded path, so several of these reach src/routes/admin unless the guard uses the matched route.
const adminSpellings = [
	'/admin',
	'/admin/__data.json',
	'/admin/__data.json?x-sveltekit-invalidated=01',
	'/%61dmin',
	'/admi%6e',
	'/%61dmin/__data.json',
	'/%61%64%6d%69%6e',
	'/%2561dmin',
	'/ADMIN',
	'/Admin/__data.json',
	'/admin%2f',
	'/admin%2F__data.json',
	'/admin/',
	'/./admin',
	'/x/../admin',
	'//admin',
	'/admin.',
	'/admin%2e',
	'/admin;',
	'/admin%00'
];

/** Follows the trailing-slash and normalising redirects (301/308) the way a browser would, and no others. */
async function probe(
	baseURL: string,
	method: string,
	path: string,
	headers: Record<string, string>,
	body?: string
): Promise<RawResponse> {
	let response = await rawRequest(baseURL, { method, path, headers, body });
	for (let hop = 0; hop < 3 && (response.status === 301 || response.status === 308); hop++) {
		const location = new URL(String(response.headers.location), baseURL);
		response = await rawRequest(baseURL, {
			method,
			path: location.pathname + location.search,
			headers,
			body
		});
	}
	return response;
}

for (const who of ['signed out', 'a signed-in user'] as const) {
	test.describe(`the admin area, as ${who}`, () => {
		let cookie = '';
		let victim = '';
		let victimEmail = '';

		test.beforeAll(async ({ baseURL }) => {
			const target = await signUpRaw(baseURL!);
			victim = target.userId;
			victimEmail = target.email;
			cookie = who === 'signed out' ? '' : (await signUpRaw(baseURL!)).cookie;
		});

		test('every spelling of every admin page and data request answers 404 and shows no account', async ({
			baseURL
		}) => {
			for (const path of adminSpellings) {
				const response = await probe(baseURL!, 'GET', path, cookie ? { cookie } : {});
				expect(response.status, path).toBe(404);
				expect(response.body, path).not.toContain(victimEmail);
			}
		});

		test('every spelling of an admin action answers 404 and changes nothing', async ({
			baseURL
		}) => {
			const origin = new URL(baseURL!).origin;
			const headers = {
				origin,
				accept: 'text/html',
				'content-type': 'application/x-www-form-urlencoded',
				...(cookie && { cookie })
			};
			for (const path of adminSpellings.filter((spelling) => !spelling.includes('__data.json'))) {
				for (const action of [
					'promote',
					'grant',
					'deduct',
					'refund',
					'replay',
					'sync',
					'reconcile'
				]) {
					const target = `${path}?/${action}`;
					const response = await probe(
						baseURL!,
						'POST',
						target,
						headers,
						new URLSearchParams({ userId: victim }).toString()
					);
					expect(response.status, target).toBe(404);
				}
			}
			expect(await firstE2e('select role from users where id = ?', victim)).toBe('user');
		});

		test('the API keys page and its actions answer 404 and make or revoke no key', async ({
			baseURL
		}) => {
			test.setTimeout(60_000);
			const name = `probe ${who} ${Date.now()}`;
			const victimKey = createApiKey(`guard victim ${who}`);
			const victimKeyId = await firstE2e<number>(
				'select id from api_keys where prefix = ?',
				victimKey.slice(0, 19)
			);
			for (const path of ['/admin/api-keys', '/%61dmin/api-keys', '/admin/api-keys/__data.json']) {
				const response = await probe(baseURL!, 'GET', path, cookie ? { cookie } : {});
				expect(response.status, path).toBe(404);
			}
			const headers = {
				origin: new URL(baseURL!).origin,
				accept: 'text/html',
				'content-type': 'application/x-www-form-urlencoded',
				...(cookie && { cookie })
			};
			for (const action of ['create', 'revoke']) {
				const body = new URLSearchParams({ name, id: String(victimKeyId), confirm: 'yes' });
				const response = await probe(
					baseURL!,
					'POST',
					`/admin/api-keys?/${action}`,
					headers,
					body.toString()
				);
				expect(response.status, action).toBe(404);
			}
			expect({
				made: await firstE2e('select count(*) from api_keys where name = ?', name),
				revoked: await firstE2e('select revoked_at from api_keys where id = ?', victimKeyId),
				audited: await firstE2e(
					'select count(*) from audit_log where target = ?',
					`api_key:${victimKeyId}`
				)
			}).toEqual({ made: 0, revoked: null, audited: 1 });
		});
	});
}

test('every spelling of /settings sends a signed-out visitor to sign in', async ({ baseURL }) => {
	for (const path of [
		'/settings',
		'/settings/credits',
		'/%73ettings/credits',
		'/settings/%63redits/__data.json',
		'/settings/credits/success?session_id=cs_x',
		'/settings/credits/history',
		'/settings/credits/history?type=spend&before=12',
		'/settings/credits/%68istory',
		'/settings/credits/transactions.csv',
		'/settings/credits/transactions.csv?type=purchase'
	]) {
		const response = await rawRequest(baseURL!, { path });
		const location = String(response.headers.location ?? '');
		if (path.includes('__data.json')) {
			expect(response.status, path).toBe(200);
			expect(JSON.parse(response.body), path).toMatchObject({
				type: 'redirect',
				location: expect.stringMatching(/^\/login/)
			});
		} else {
			expect([303, 307], path).toContain(response.status);
			expect(location, path).toMatch(/^\/login\?redirectTo=/);
		}
	}
});
