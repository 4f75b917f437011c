import {
	expect,
	test,
	type APIRequestContext,
	type APIResponse,
	type Page
} from '@playwright/test';
import { password, signInAsListedAdmin, uniqueEmail } from './helpers';
import { firstE2e } from './e2e-db';

type Fields = Record<string, string>;
type Route = {
	name: string;
	path: string;
	session: 'none' | 'user' | 'admin';
	fields: (email: string) => Fields;
};

const routes: Route[] = [
	{ name: 'sign-in', path: '/login', session: 'none', fields: (email) => ({ email, password }) },
	{ name: 'sign-up', path: '/signup', session: 'none', fields: (email) => ({ email, password }) },
	{
		name: 'buy',
		path: '/settings/credits?/buy',
		session: 'user',
		fields: () => ({ packageId: 'basic' })
	},
	{
		name: 'grant',
		// The grant checks its form before it looks the account up; half of this body lacks a reason.
		path: '/admin/users/nobody?/grant',
		session: 'admin',
		fields: () => ({
			confirm: 'yes',
			idempotencyKey: 'form-requests',
			amount: '100',
			category: 'free',
			reason: 'a reason long enough to be cut off'
		})
	}
];

const boundary = 'e2e-boundary';
function multipart(fields: Fields) {
	const parts = Object.entries(fields).map(
		([name, value]) =>
			`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
	);
	return `${parts.join('')}--${boundary}--\r\n`;
}

const urlencoded = 'application/x-www-form-urlencoded';
const badBodies = [
	{
		name: 'text/plain',
		status: 415,
		contentType: 'text/plain',
		body: (fields: Fields) => new URLSearchParams(fields).toString()
	},
	{
		name: 'multipart without a boundary',
		status: 400,
		contentType: 'multipart/form-data',
		body: multipart
	},
	{
		name: 'multipart with a wrong boundary',
		status: 400,
		contentType: 'multipart/form-data; boundary=other',
		body: multipart
	},
	{
		name: 'truncated multipart',
		status: 400,
		contentType: `multipart/form-data; boundary=${boundary}`,
		body: (fields: Fields) => multipart(fields).slice(0, -12)
	}
];
// Still parses (urlencoded is lenient), into a form missing a field: the action's own validation answers.
const truncatedUrlencoded = (fields: Fields) => {
	const body = new URLSearchParams(fields).toString();
	return body.slice(0, Math.ceil(body.length / 2));
};

const prototypeNames = [
	'constructor',
	'__proto__',
	'toString',
	'hasOwnProperty',
	'valueOf',
	'default'
];
const accepts = ['text/html', 'application/json'];

/** Posts as a browser would (same-origin, so SvelteKit's CSRF check passes), without following redirects. */
function postRaw(
	context: APIRequestContext,
	origin: string,
	path: string,
	body: { data: string; contentType: string; accept?: string }
) {
	return context.post(path, {
		data: body.data,
		maxRedirects: 0,
		headers: { 'content-type': body.contentType, origin, accept: body.accept ?? 'text/html' }
	});
}

function postForm(
	context: APIRequestContext,
	origin: string,
	path: string,
	fields: Fields,
	accept?: string
) {
	return postRaw(context, origin, path, {
		data: new URLSearchParams(fields).toString(),
		contentType: urlencoded,
		accept
	});
}

async function contextFor(
	route: Route,
	page: Page,
	newContext: () => Promise<APIRequestContext>,
	origin: string
) {
	if (route.session === 'admin') {
		await signInAsListedAdmin(page);
		return page.request;
	}
	const context = await newContext();
	if (route.session === 'user')
		expect(
			(
				await postForm(context, origin, '/signup', { email: uniqueEmail('forms'), password })
			).status()
		).toBe(303);
	return context;
}

/** SvelteKit answers a JSON client's `fail(400)` with 200 and the status inside: `{ type: 'failure', status }`. */
async function failureStatus(response: APIResponse): Promise<number> {
	if (response.status() !== 200 || !response.headers()['content-type']?.includes('json'))
		return response.status();
	const result = (await response.json()) as { type: string; status: number };
	return result.type === 'failure' ? result.status : 200;
}

function expectNoSession(response: APIResponse, what: string) {
	expect(response.headers()['set-cookie'] ?? '', what).not.toContain('credits_session=');
}

for (const route of routes) {
	test(`the ${route.name} action answers every malformed body with a 4xx and a message, and writes nothing`, async ({
		page,
		playwright,
		baseURL
	}) => {
		const origin = new URL(baseURL!).origin;
		const newContext = () => playwright.request.newContext({ baseURL });
		const context = await contextFor(route, page, newContext, origin);
		const email = uniqueEmail('bad-body');
		// An account whose right password is in every body: a body read by mistake would sign in.
		if (route.name === 'sign-in')
			expect(
				(await postForm(await newContext(), origin, '/signup', { email, password })).status()
			).toBe(303);
		const fields = route.fields(email);

		for (const accept of accepts) {
			for (const body of badBodies) {
				const what = `${body.name} (${accept})`;
				const response = await postRaw(context, origin, route.path, {
					data: body.body(fields),
					contentType: body.contentType,
					accept
				});
				expect(response.status(), what).toBe(body.status);
				expect(await response.text(), what).toMatch(/Send the form as|The form could not be read/);
				expectNoSession(response, what);
			}
			const what = `truncated urlencoded (${accept})`;
			const response = await postRaw(context, origin, route.path, {
				data: truncatedUrlencoded(fields),
				contentType: urlencoded,
				accept
			});
			const status = await failureStatus(response);
			expect(status, what).toBeGreaterThanOrEqual(400);
			expect(status, what).toBeLessThan(500);
			expectNoSession(response, what);
		}

		if (route.name === 'sign-up')
			expect(
				(await postForm(context, origin, '/signup', fields)).status(),
				'the email is still free'
			).toBe(303);
		if (route.name === 'buy')
			expect(await (await context.get('/settings/credits')).text()).toContain('No purchases yet');
	});

	test(`the ${route.name} page answers 404 to action names of Object.prototype`, async ({
		page,
		playwright,
		baseURL
	}) => {
		const origin = new URL(baseURL!).origin;
		const context = await contextFor(
			route,
			page,
			() => playwright.request.newContext({ baseURL }),
			origin
		);
		const [path] = route.path.split('?');
		for (const name of prototypeNames) {
			for (const accept of accepts) {
				const what = `?/${name} (${accept})`;
				const response = await postForm(
					context,
					origin,
					`${path}?/${name}`,
					route.fields(uniqueEmail('proto')),
					accept
				);
				expect(response.status(), what).toBe(404);
				expectNoSession(response, what);
			}
		}
	});
}

test('a form body over the size limit is still answered 413', async ({ request, baseURL }) => {
	const response = await postRaw(request, new URL(baseURL!).origin, '/login', {
		data: `email=a%40e2e.test&password=${'x'.repeat(600 * 1024)}`,
		contentType: urlencoded
	});
	expect(response.status()).toBe(413);
});

test('a demo signs up at the other loopback address too (http://localhost as well as 127.0.0.1)', async ({
	page,
	baseURL
}) => {
	const other = baseURL!.replace('127.0.0.1', 'localhost');
	await page.goto(`${other}/signup`);
	await page.getByLabel('Email').fill(uniqueEmail('localhost'));
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page.getByRole('button', { name: 'Account menu' })).toBeVisible();
	expect(new URL(page.url()).origin).toBe(new URL(other).origin);
});

test('a cross-site urlencoded form post is refused and creates no account', async ({ request }) => {
	const forgeries: Record<string, string>[] = [
		{ origin: 'https://evil.example' },
		{ origin: 'null' },
		{ 'sec-fetch-site': 'cross-site' }
	];
	for (const headers of forgeries) {
		const email = uniqueEmail('forged');
		const response = await request.post('/signup', {
			data: new URLSearchParams({ email, password }).toString(),
			maxRedirects: 0,
			headers: { 'content-type': urlencoded, accept: 'text/html', ...headers }
		});
		const what = JSON.stringify(headers);
		expect(response.status(), what).toBe(403);
		expectNoSession(response, what);
		const accounts = await firstE2e('select count(*) from users where email = ?', email);
		expect(accounts, what).toBe(0);
	}
});
