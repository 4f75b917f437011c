import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { demoSecretKey } from '../../src/lib/server/config';
import { userIdOf } from './e2e-db';
import { password, uniqueEmail } from './helpers';

export type RawResponse = {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: string;
};
export type RawRequest = {
	method?: string;
	path: string;
	headers?: Record<string, string>;
	body?: string;
};

/**
 * Sends the path exactly as written (`//admin`, `/%2561dmin`, `/./admin`): a browser or Playwright's
 * `request` would normalise it first, and the point is to see what a hostile client can send.
 */
export function rawRequest(
	baseURL: string,
	{ method = 'GET', path, headers = {}, body }: RawRequest
): Promise<RawResponse> {
	const base = new URL(baseURL);
	return new Promise((resolve, reject) => {
		const request = httpRequest(
			{
				host: base.hostname,
				port: base.port,
				method,
				path,
				// A fresh connection each time: a pooled one the server closed while the test was busy
				// (e.g. running a script) would fail as "socket hang up".
				agent: false,
				headers: {
					...headers,
					...(body !== undefined && { 'content-length': Buffer.byteLength(body) })
				}
			},
			(response) => {
				let text = '';
				response.setEncoding('utf8');
				response.on('data', (chunk) => (text += chunk));
				response.on('end', () =>
					resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text })
				);
			}
		);
		request.on('error', reject);
		request.end(body);
	});
}

/** Posts the sign-up or sign-in form over plain HTTP; returns the session cookie header. */
export async function postCredentials(
	baseURL: string,
	path: '/signup' | '/login',
	email: string,
	secret = password
) {
	const response = await rawRequest(baseURL, {
		method: 'POST',
		path,
		headers: {
			origin: new URL(baseURL).origin,
			accept: 'text/html',
			'content-type': 'application/x-www-form-urlencoded'
		},
		body: new URLSearchParams({ email, password: secret }).toString()
	});
	const setCookie = ([] as string[]).concat(response.headers['set-cookie'] ?? []);
	const session = setCookie
		.map((line) => line.split(';')[0])
		.find((pair) => pair.startsWith('credits_session='));
	if (response.status !== 303 || !session) throw new Error(`${path} answered ${response.status}`);
	return session;
}

/** Signs up a fresh account over plain HTTP and returns its cookie header and id. */
export async function signUpRaw(
	baseURL: string
): Promise<{ email: string; cookie: string; userId: string }> {
	const email = uniqueEmail('raw');
	const cookie = await postCredentials(baseURL, '/signup', email);
	return {
		email,
		cookie,
		userId: await userIdOf(email)
	};
}

/** The e2e demo's API key: its emulator accepts this one and no other. */
export function e2eStripeKey(): string {
	return demoSecretKey(readFileSync('tests/.tmp/stripe-webhook-secret', 'utf8').trim());
}

/** Signs an existing account in over plain HTTP and returns its cookie header. */
export function signInRaw(baseURL: string, email: string): Promise<string> {
	return postCredentials(baseURL, '/login', email);
}
