import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { API_VERSION, type Emulator, type Origin } from './emulator';
import { ApiError } from './errors';
import { parseForm, type FormObject, type FormValue } from './form';
import { parseBody, readBody } from './http';
import { createId } from './ids';
import { matchRoute, type Route } from './router';

export interface ApiContext {
	emulator: Emulator;
	params: Record<string, string>;
	input: FormObject;
	origin: Origin;
}

export type ApiHandler = (context: ApiContext) => unknown;
export type ApiRoute = Route<ApiHandler>;

/** Stripe forgets idempotency keys after 24 hours. */
const KEY_LIFETIME_MS = 24 * 60 * 60 * 1000;
/** "Idempotency keys are up to 255 characters long." (Stripe's API reference) */
const MAX_KEY_LENGTH = 255;

interface ApiResult {
	status: number;
	body: string;
	requestId: string;
	validation: boolean;
	replayed?: boolean;
}

/** One `/v1` request as read off the socket. */
interface ApiCall {
	method: string;
	path: string;
	raw: string;
	key: string | null;
	request: IncomingMessage;
}

/** Serves `/v1/*`: authentication, idempotent replays, routing and Stripe's error shape. */
export async function handleApiRequest(
	emulator: Emulator,
	routes: ApiRoute[],
	request: IncomingMessage,
	response: ServerResponse,
	url: URL
) {
	const method = request.method ?? 'GET';
	const header = request.headers['idempotency-key'];
	const call: ApiCall = {
		method,
		path: url.pathname,
		raw: method === 'GET' ? url.search.slice(1) : await readBody(request),
		key: method === 'POST' && typeof header === 'string' ? header : null,
		request
	};
	const denied = authenticate(request.headers.authorization, emulator.secretKeys);
	const result = denied
		? errorResult(denied, createId('req', 14))
		: runIdempotently(emulator, call, () => run(emulator, routes, call));
	response.writeHead(result.status, {
		'Content-Type': 'application/json',
		'Content-Length': String(Buffer.byteLength(result.body)),
		'Request-Id': result.requestId,
		'Stripe-Version': String(request.headers['stripe-version'] ?? API_VERSION),
		...(call.key && { 'Idempotency-Key': call.key }),
		...(result.replayed && { 'Idempotent-Replayed': 'true' })
	});
	response.end(result.body);
}

/** Same key and same request → the saved response; same key and another request → `idempotency_error`. */
function runIdempotently(emulator: Emulator, call: ApiCall, execute: () => ApiResult): ApiResult {
	const { key } = call;
	if (!key) return execute();
	if (key.length > MAX_KEY_LENGTH) return errorResult(keyTooLong(key), createId('req', 14));
	const fingerprint = createHash('sha256')
		.update(`${call.method} ${call.path}\n${canonicalParams(call.raw)}`)
		.digest('hex');
	const found = emulator.store.idempotency.get(key);
	const saved = found && Date.now() - found.savedAt < KEY_LIFETIME_MS ? found : undefined;
	if (saved?.fingerprint === fingerprint) return { ...saved, validation: false, replayed: true };
	if (saved) return errorResult(idempotencyMismatch(key), createId('req', 14));
	const result = execute();
	if (!result.validation && result.status < 500) {
		emulator.store.idempotency.set(key, {
			savedAt: Date.now(),
			fingerprint,
			status: result.status,
			body: result.body,
			requestId: result.requestId
		});
		emulator.changed();
	}
	return result;
}

function run(
	emulator: Emulator,
	routes: ApiRoute[],
	{ method, path, raw, key, request }: ApiCall
): ApiResult {
	const requestId = createId('req', 14);
	try {
		const match = matchRoute(routes, method, path);
		if (!match) throw unrecognizedUrl(method, path);
		const input = parseBody(raw, method === 'GET' ? undefined : request.headers['content-type']);
		const origin = method === 'POST' ? { id: requestId, idempotency_key: key } : null;
		const body = match.handler({ emulator, params: match.params, input, origin });
		return { status: 200, body: JSON.stringify(body, null, 2), requestId, validation: false };
	} catch (error) {
		if (error instanceof ApiError) return errorResult(error, requestId);
		console.error('stripe-emulator: unexpected error', error);
		return errorResult(
			new ApiError(500, 'api_error', 'An unknown error occurred in the emulator.'),
			requestId
		);
	}
}

function errorResult(error: ApiError, requestId: string): ApiResult {
	// Requests rejected before they run are not saved, so a corrected retry with the same key works.
	return {
		status: error.status,
		body: JSON.stringify(error.toBody(), null, 2),
		requestId,
		validation: error.validation
	};
}

/**
 * The account's own keys only (`secretKeys`), or any test-mode key when none are configured; Bearer
 * (what the client sends) or Basic (what `curl -u` sends). Stripe answers a wrong key with 401
 * `invalid_request_error`, no code, and the key masked but for its prefix and last four characters.
 */
function authenticate(header: string | undefined, secretKeys: ReadonlySet<string> | null) {
	const [scheme, credentials] = (header ?? '').split(' ');
	const key =
		scheme === 'Basic'
			? Buffer.from(credentials ?? '', 'base64')
					.toString()
					.split(':')[0]
			: scheme === 'Bearer'
				? credentials
				: '';
	if (!key) {
		return new ApiError(
			401,
			'invalid_request_error',
			"You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')."
		);
	}
	const accepted = secretKeys ? secretKeys.has(key) : /^(sk|rk)_test_\w+$/.test(key);
	if (!accepted)
		return new ApiError(401, 'invalid_request_error', `Invalid API Key provided: ${maskKey(key)}`);
	return null;
}

/** `sk_test_51Abc…wxyz` → `sk_test_****…wxyz`, as Stripe prints a key it refused. */
function maskKey(key: string): string {
	const prefix = key.match(/^[a-z]+_(test|live)_/)?.[0] ?? '';
	const hidden = Math.max(key.length - prefix.length - 4, 0);
	return `${prefix}${'*'.repeat(hidden)}${key.slice(prefix.length + hidden)}`;
}

/**
 * Parameters in a canonical order, so the same request written with its fields in another order
 * is a replay, as on Stripe, which compares the parsed parameters.
 */
function canonicalParams(raw: string): string {
	try {
		return JSON.stringify(sortKeys(parseForm(raw)));
	} catch {
		return raw;
	}
}

function sortKeys(value: FormValue): FormValue {
	if (typeof value === 'string') return value;
	if (Array.isArray(value)) return value.map(sortKeys);
	return Object.fromEntries(
		Object.keys(value)
			.sort()
			.map((key) => [key, sortKeys(value[key])])
	);
}

function unrecognizedUrl(method: string, path: string): ApiError {
	return new ApiError(
		404,
		'invalid_request_error',
		`Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs.`
	);
}

function idempotencyMismatch(key: string): ApiError {
	return new ApiError(
		400,
		'idempotency_error',
		`Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`
	);
}

function keyTooLong(key: string): ApiError {
	return new ApiError(
		400,
		'invalid_request_error',
		`Invalid Idempotency-Key: it is ${key.length} characters long, but keys can be at most ${MAX_KEY_LENGTH} characters.`,
		undefined,
		undefined,
		true
	);
}
