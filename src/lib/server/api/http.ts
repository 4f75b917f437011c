import type { RequestEvent } from '@sveltejs/kit';
import type { z } from 'zod';
import { getConfig } from '../config';
import { getDb, type Db } from '../db';
import type { Unit } from '../db/unit';
import { presentParams } from '../http/query';
import { actorOf, type ApiCaller, type TrustedCaller } from './caller';
import {
	apiFailure,
	errorResponse,
	errorReply,
	toResponse,
	type ApiOutcome,
	type Reply
} from './errors';
import { fingerprintOf, runOnce } from './idempotency';
import { authenticateApiKey } from './keys';
import { TokenBucket } from './rate-limit';

/**
 * The HTTP side of every /api/v1 route, in the order a request meets it: who is calling (401), their
 * rate limit (429), the body or query (415, 413, 400), then one server function, its result as JSON.
 */

export const maxBodyBytes = 16 * 1024;
const buckets = new TokenBucket(() => getConfig().API_RATE_LIMIT_PER_MINUTE);

type Read<I, C extends ApiCaller> = (db: Db, caller: C, input: I) => Promise<ApiOutcome<unknown>>;
type Write<I> = (tx: Db, caller: TrustedCaller, input: I) => Unit<ApiOutcome<unknown>>;

type ReadOptions<I> =
	{ session: true; run: Read<I, ApiCaller> } | { session: false; run: Read<I, TrustedCaller> };

/** A GET: `session: true` lets a signed-in user call it (for their own data) without a key. */
export async function apiRead<S extends z.ZodType>(
	event: RequestEvent,
	query: S,
	options: ReadOptions<z.output<S>>
): Promise<Response> {
	const caller = await admit(event, options.session);
	if (!caller.ok) return caller.response;
	const parsed = parseWith(query, Object.fromEntries(presentParams(event.url.searchParams)));
	if (!parsed.ok) return errorResponse(parsed.error);
	// Without `session`, admit() lets only a key through: the caller is then a TrustedCaller.
	const run = options.run as Read<z.output<S>, ApiCaller>;
	return toResponse(replyOf(await run(getDb(), caller.value, parsed.value)));
}

/**
 * A POST, API key only: run once per idempotency key (idempotency.ts), its first 200 replayed with
 * `Idempotent-Replayed: true`.
 */
export async function apiWrite<S extends z.ZodType>(
	event: RequestEvent,
	body: S,
	options: { key: (input: z.output<S>) => string; run: Write<z.output<S>> }
): Promise<Response> {
	const caller = await admit(event, false);
	if (!caller.ok) return caller.response;
	const read = await readJson(event.request);
	const parsed = read.ok ? parseWith(body, read.value) : read;
	if (!parsed.ok) return errorResponse(parsed.error);
	const trusted = caller.value as TrustedCaller;
	const reply = await runOnce(
		getDb(),
		{
			key: options.key(parsed.value),
			fingerprint: fingerprintOf(event.route.id, event.params, parsed.value),
			apiKeyId: trusted.kind === 'key' ? trusted.keyId : null
		},
		function* (tx) {
			return replyOf(yield* options.run(tx, trusted, parsed.value));
		}
	);
	return toResponse(reply, reply.replayed ? { 'idempotent-replayed': 'true' } : {});
}

function replyOf(outcome: ApiOutcome<unknown>): Reply {
	return outcome.ok
		? { status: 200, body: JSON.stringify(outcome.value) }
		: errorReply(outcome.error);
}

type Admission = { ok: true; value: ApiCaller } | { ok: false; response: Response };

async function admit(event: RequestEvent, allowSession: boolean): Promise<Admission> {
	const caller = await callerOf(event, allowSession);
	if (!caller.ok) return { ok: false, response: errorResponse(caller.error) };
	const waitMs = buckets.take(actorOf(caller.value));
	if (waitMs === 0) return caller;
	const seconds = Math.ceil(waitMs / 1000);
	const { error } = apiFailure('rate_limited', `too many requests; retry in ${seconds} s`);
	return {
		ok: false,
		response: errorResponse(error, { 'retry-after': String(seconds) })
	};
}

/** A Bearer key when one is sent (a bad one is refused even beside a session), else the session. */
async function callerOf(
	event: RequestEvent,
	allowSession: boolean
): Promise<ApiOutcome<ApiCaller>> {
	const authorization = event.request.headers.get('authorization');
	if (authorization !== null) {
		const token = /^Bearer +(\S+)$/i.exec(authorization)?.[1];
		const keyId = token ? await authenticateApiKey(getDb(), token) : null;
		if (keyId === null) return apiFailure('unauthorized', 'the API key is invalid or revoked');
		return { ok: true, value: { kind: 'key', keyId } };
	}
	if (allowSession && event.locals.user)
		return { ok: true, value: { kind: 'session', userId: event.locals.user.id } };
	return apiFailure(
		'unauthorized',
		allowSession
			? 'send an API key as "Authorization: Bearer <key>", or sign in'
			: 'send an API key as "Authorization: Bearer <key>"'
	);
}

const jsonType = /^application\/([\w.+-]+\+)?json$/;

/** The body as JSON, at most maxBodyBytes; an empty body reads as `{}`. */
async function readJson(request: Request): Promise<ApiOutcome<unknown>> {
	const declared = Number(request.headers.get('content-length') ?? 0);
	if (declared > maxBodyBytes) return tooLarge();
	const bytes = await readAtMost(request, maxBodyBytes);
	if (bytes === null) return tooLarge();
	// SvelteKit passes a body without a content type on as no body at all; its length still shows it was sent.
	const sent = declared > 0 || request.headers.has('transfer-encoding');
	if (bytes.length === 0 && !sent) return { ok: true, value: {} };
	const type = request.headers.get('content-type')?.split(';')[0].trim().toLowerCase() ?? '';
	if (!jsonType.test(type))
		return apiFailure('unsupported_media_type', 'send the body as application/json');
	try {
		return { ok: true, value: JSON.parse(new TextDecoder().decode(bytes)) };
	} catch {
		return apiFailure('invalid_request', 'the body is not valid JSON');
	}
}

function tooLarge() {
	return apiFailure('payload_too_large', `the body must be at most ${maxBodyBytes} bytes`);
}

/** The body's bytes, or null once they pass `limit` (a chunked body declares no length). */
async function readAtMost(request: Request, limit: number): Promise<Uint8Array | null> {
	if (!request.body) return new Uint8Array();
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) return Buffer.concat(chunks);
		size += value.length;
		if (size > limit) {
			await reader.cancel();
			return null;
		}
		chunks.push(value);
	}
}

/** Zod's first issue as the API's 400, naming the field (an unknown one by its own name). */
function parseWith<S extends z.ZodType>(schema: S, input: unknown): ApiOutcome<z.output<S>> {
	const parsed = schema.safeParse(input);
	if (parsed.success) return { ok: true, value: parsed.data };
	const [issue] = parsed.error.issues;
	if (issue.code === 'unrecognized_keys') {
		const [field] = issue.keys;
		return apiFailure(
			'invalid_request',
			`unknown field "${field}"`,
			[...issue.path, field].join('.')
		);
	}
	const param = issue.path.join('.');
	if (!param) return apiFailure('invalid_request', 'the body must be a JSON object');
	return apiFailure('invalid_request', `${param}: ${issue.message}`, param);
}

const holdIdPattern = /^[1-9]\d{0,15}$/;

/** A hold's id from the path; anything but a positive whole number names no hold. */
export function* forHold<T>(
	param: string,
	run: (holdId: number) => Unit<ApiOutcome<T>>
): Unit<ApiOutcome<T>> {
	if (!holdIdPattern.test(param)) return apiFailure('hold_not_found', `no hold ${param}`);
	return yield* run(Number(param));
}
