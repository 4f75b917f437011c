import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './errors';
import { parseForm, type FormObject } from './form';

const MAX_BODY_BYTES = 1024 * 1024;

export async function readBody(request: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of request as AsyncIterable<Buffer>) {
		size += chunk.length;
		if (size > MAX_BODY_BYTES)
			throw new ApiError(413, 'invalid_request_error', 'Request body is too large.');
		chunks.push(chunk);
	}
	return Buffer.concat(chunks).toString('utf8');
}

/** Form bodies (what the Stripe client sends) or, for control endpoints, JSON objects. */
export function parseBody(raw: string, contentType: string | undefined): FormObject {
	if (contentType?.includes('application/json')) {
		if (raw.trim() === '') return {};
		const parsed: unknown = JSON.parse(raw);
		if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
			throw new ApiError(400, 'invalid_request_error', 'Expected a JSON object.');
		return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, String(value)]));
	}
	try {
		return parseForm(raw);
	} catch {
		throw new ApiError(
			400,
			'invalid_request_error',
			'Invalid request body: malformed URL encoding.'
		);
	}
}

export function sendJson(
	response: ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string> = {}
): void {
	send(response, status, JSON.stringify(body, null, 2), {
		'Content-Type': 'application/json',
		...headers
	});
}

export function send(
	response: ServerResponse,
	status: number,
	body: string,
	headers: Record<string, string>
): void {
	response.writeHead(status, {
		'Content-Length': String(Buffer.byteLength(body)),
		'Cache-Control': 'no-store',
		...headers
	});
	response.end(body);
}

export function redirect(response: ServerResponse, location: string): void {
	send(response, 303, '', { Location: location });
}
