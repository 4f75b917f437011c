import { expect } from '@playwright/test';
import { e2eEmulatorPort } from '../../playwright.config';
import type { Caller, Targets } from './access-table';
import { createApiKey, runE2eScript } from './credits-api';
import { password, uniqueEmail } from './helpers';
import { firstE2e, userIdOf } from './e2e-db';
import { rawRequest, signInRaw, signUpRaw, type RawResponse } from './raw-http';

/**
 * The callers of the access matrix and the owner's things they ask about, all made over HTTP as people
 * would: two accounts, an admin (`npm run admin:create`), an API key (`npm run api-key:create`) and one
 * revoked with the admin page's action, a paid purchase, two holds, a webhook endpoint.
 */

export const emulatorOrigin = `http://127.0.0.1:${e2eEmulatorPort}`;

export type Account = { id: string; email: string; cookie: string };
export type AccessFixture = {
	targets: Targets;
	owner: Account;
	other: Account;
	admin: Account;
	apiKey: string;
	headers: Record<Caller, Record<string, string>>;
};

export type Call = {
	method: string;
	path: string;
	headers?: Record<string, string>;
	form?: Record<string, string>;
	json?: unknown;
};

/** One request as a browser (pages, forms) or a host app's server (API) sends it. */
export function send(baseURL: string, call: Call): Promise<RawResponse> {
	const body =
		call.form !== undefined
			? new URLSearchParams(call.form).toString()
			: call.json !== undefined
				? JSON.stringify(call.json)
				: undefined;
	return rawRequest(baseURL, {
		method: call.method,
		path: call.path,
		headers: {
			origin: new URL(baseURL).origin,
			accept: 'text/html',
			...(call.form !== undefined && { 'content-type': 'application/x-www-form-urlencoded' }),
			...(call.json !== undefined && { 'content-type': 'application/json' }),
			...call.headers
		},
		body
	});
}

export async function buildAccessFixture(baseURL: string): Promise<AccessFixture> {
	const run = Math.random().toString(36).slice(2, 10);
	const owner = await signUpAccount(baseURL);
	const other = await signUpAccount(baseURL);
	const admin = await createAdmin(baseURL);
	const apiKey = createApiKey(`access matrix ${run}`);
	const revokedKey = createApiKey(`access matrix revoked ${run}`);
	const asAdmin = { cookie: admin.cookie };
	const bearer = { authorization: `Bearer ${apiKey}` };

	await expectStatus(baseURL, 200, {
		method: 'POST',
		path: '/admin/api-keys?/revoke',
		headers: asAdmin,
		form: { id: String(await apiKeyIdOf('prefix', revokedKey.slice(0, 19))), confirm: 'yes' }
	});
	const victimName = `access matrix victim ${run}`;
	await expectStatus(baseURL, 200, {
		method: 'POST',
		path: '/admin/api-keys?/create',
		headers: asAdmin,
		form: { name: victimName }
	});

	for (const account of [owner, other])
		await expectStatus(baseURL, 200, {
			method: 'POST',
			path: '/api/v1/grants',
			headers: bearer,
			json: {
				user_id: account.id,
				amount: 7319,
				idempotency_key: `access-marker-${account.id}`,
				reason: markerOf(account)
			}
		});
	const [holdToCapture, holdToRelease] = await Promise.all(
		['capture', 'release'].map(async (use) => {
			const hold = await expectStatus(baseURL, 200, {
				method: 'POST',
				path: '/api/v1/holds',
				headers: bearer,
				json: {
					user_id: owner.id,
					amount: 3,
					idempotency_key: `access-hold-${use}-${run}`,
					expires_in_seconds: 3600
				}
			});
			return JSON.parse(hold.body).hold_id as number;
		})
	);

	const { sessionId, purchaseId } = await payForPackage(baseURL, owner, 'standard');
	await expectStatus(baseURL, 200, {
		method: 'GET',
		path: `/settings/credits/success?session_id=${sessionId}`,
		headers: { cookie: owner.cookie }
	});

	const endpointUrl = `http://127.0.0.1:9/access-fixture-${run}`;
	await expectStatus(baseURL, 200, {
		method: 'POST',
		path: '/admin/webhooks?/create',
		headers: asAdmin,
		form: { url: endpointUrl, eventTypes: 'credits.granted' }
	});
	const endpointId = await firstE2e<string>(
		'select id from webhook_endpoints where url = ?',
		endpointUrl
	);
	// Off until the matrix's admin turns it on: nothing else's events queue up for it meanwhile.
	await expectStatus(baseURL, 200, {
		method: 'POST',
		path: `/admin/webhooks/${endpointId}?/disable`,
		headers: asAdmin,
		form: {}
	});

	return {
		targets: {
			run,
			ownerId: owner.id,
			ownerEmail: owner.email,
			purchaseId,
			sessionId,
			eventId: await completedEventOf(purchaseId),
			endpointId,
			victimKeyId: await apiKeyIdOf('name', victimName),
			holdToCapture,
			holdToRelease
		},
		owner,
		other,
		admin,
		apiKey,
		headers: {
			signedOut: {},
			user: { cookie: owner.cookie },
			otherUser: { cookie: other.cookie },
			admin: asAdmin,
			apiKey: bearer,
			revokedKey: { authorization: `Bearer ${revokedKey}` }
		}
	};
}

/** A reason only this account's grant carries: it shows wherever the account's history does. */
export function markerOf(account: Pick<Account, 'id'>) {
	return `access marker ${account.id}`;
}

/** Buys a package over HTTP: the buy form, then the emulator's hosted page paid with 4242…. */
export async function payForPackage(baseURL: string, buyer: Account, packageId: string) {
	const checkout = await expectStatus(baseURL, 303, {
		method: 'POST',
		path: '/settings/credits?/buy',
		headers: { cookie: buyer.cookie },
		form: { packageId }
	});
	const hosted = new URL(String(checkout.headers.location));
	expect(hosted.origin).toBe(emulatorOrigin);
	const paid = await send(emulatorOrigin, {
		method: 'POST',
		path: hosted.pathname,
		form: { card_number: '4242424242424242' }
	});
	expect(paid.status).toBe(303);
	const sessionId = new URL(String(paid.headers.location)).searchParams.get('session_id')!;
	const purchaseId = await firstE2e<string>(
		'select id from purchases where checkout_session_id = ?',
		sessionId
	);
	return { sessionId, purchaseId };
}

async function signUpAccount(baseURL: string): Promise<Account> {
	const { userId, email, cookie } = await signUpRaw(baseURL);
	return { id: userId, email, cookie };
}

async function createAdmin(baseURL: string) {
	const email = uniqueEmail('access-admin');
	runE2eScript('admin-create', ['--email', email, '--password', password]);
	const cookie = await signInRaw(baseURL, email);
	const id = await userIdOf(email);
	return { id, email, cookie };
}

function apiKeyIdOf(column: 'prefix' | 'name', value: string): Promise<number> {
	return firstE2e<number>(`select id from api_keys where ${column} = ?`, value);
}

/** The purchase's `checkout.session.completed`, once the emulator's webhook has brought it. */
async function completedEventOf(purchaseId: string): Promise<string> {
	let eventId: string | undefined;
	await expect
		.poll(
			async () =>
				(eventId = await firstE2e<string | undefined>(
					"select id from stripe_events where purchase_id = ? and type = 'checkout.session.completed'",
					purchaseId
				)),
			{ timeout: 15_000 }
		)
		.toBeTruthy();
	return eventId!;
}

async function expectStatus(baseURL: string, status: number, call: Call) {
	const response = await send(baseURL, call);
	expect(response.status, `${call.method} ${call.path}: ${response.body.slice(0, 300)}`).toBe(
		status
	);
	return response;
}
