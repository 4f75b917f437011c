import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { API_VERSION, type Emulator, type Origin } from './emulator';
import { ApiError } from './errors';
import type { FormObject } from './form';
import { parseBody, readBody, sendJson } from './http';
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

interface ApiResult {
	status: number;
	body: string;
	requestId: string;
	validation: boolean;
}

/** Serves `/v1/*`: authentication, idempotent replays, routing and Stripe's error shape. */
export async function handleApiRequest(emulator: Emulator, routes: ApiRoute[], request: IncomingMessage, response: ServerResponse, url: URL) {
	const method = request.method ?? 'GET';
	const raw = method === 'GET' ? url.search.slice(1) : await readBody(request);
	const key = method === 'POST' ? request.headers['idempotency-key'] : undefined;
	const headers: Record<string, string> = { 'Stripe-Version': String(request.headers['stripe-version'] ?? API_VERSION) };
	if (typeof key === 'string') headers['Idempotency-Key'] = key;
	const fingerprint = createHash('sha256').update(`${method} ${url.pathname}\n${raw}`).digest('hex');
	const saved = typeof key === 'string' ? emulator.store.idempotency.get(key) : undefined;
	let result: ApiResult;
	if (saved && saved.fingerprint === fingerprint) {
		result = { ...saved, validation: false };
		headers['Idempotent-Replayed'] = 'true';
	} else if (saved) {
		result = errorResult(idempotencyMismatch(String(key)), createId('req', 14));
	} else {
		result = run(emulator, routes, request, method, url.pathname, raw, typeof key === 'string' ? key : null);
		if (typeof key === 'string' && !result.validation && result.status < 500) {
			emulator.store.idempotency.set(key, { fingerprint, status: result.status, body: result.body, requestId: result.requestId });
			emulator.changed();
		}
	}
	response.writeHead(result.status, {
		'Content-Type': 'application/json',
		'Content-Length': String(Buffer.byteLength(result.body)),
		'Request-Id': result.requestId,
		...headers
	});
	response.end(result.body);
}

function run(emulator: Emulator, routes: ApiRoute[], request: IncomingMessage, method: string, path: string, raw: string, key: string | null): ApiResult {
	const requestId = createId('req', 14);
	try {
		authenticate(request.headers.authorization);
		const match = matchRoute(routes, method, path);
		if (!match) throw unrecognizedUrl(method, path);
		const input = parseBody(raw, method === 'GET' ? undefined : request.headers['content-type']);
		const origin = method === 'POST' ? { id: requestId, idempotency_key: key } : null;
		const body = match.handler({ emulator, params: match.params, input, origin });
		return { status: 200, body: JSON.stringify(body, null, 2), requestId, validation: false };
	} catch (error) {
		if (error instanceof ApiError) return errorResult(error, requestId);
		console.error('stripe-emulator: unexpected error', error);
		return errorResult(new ApiError(500, 'api_error', 'An unknown error occurred in the emulator.'), requestId);
	}
}

function errorResult(error: ApiError, requestId: string): ApiResult {
	// Requests rejected before they run are not saved, so a corrected retry with the same key works.
	const validation = error.validation || error.status === 401;
	return { status: error.status, body: JSON.stringify(error.toBody(), null, 2), requestId, validation };
}

/** Test-mode secret keys only; Bearer (what the client sends) or Basic (what `curl -u` sends). */
function authenticate(header: string | undefined): void {
	const [scheme, credentials] = (header ?? '').split(' ');
	const key = scheme === 'Basic' ? Buffer.from(credentials ?? '', 'base64').toString().split(':')[0] : scheme === 'Bearer' ? credentials : '';
	if (!key) {
		throw new ApiError(
			401,
			'invalid_request_error',
			"You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')."
		);
	}
	if (!/^(sk|rk)_test_\w+$/.test(key)) {
		throw new ApiError(401, 'invalid_request_error', `Invalid API Key provided: ${key.slice(0, 8)}****${key.slice(-4)}`);
	}
}

function unrecognizedUrl(method: string, path: string): ApiError {
	return new ApiError(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs.`);
}

function idempotencyMismatch(key: string): ApiError {
	return new ApiError(
		400,
		'idempotency_error',
		`Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`
	);
}
