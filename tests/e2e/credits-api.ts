import { expect } from '@playwright/test';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { spawnSync } from 'node:child_process';
import { e2eDatabaseUrl } from './e2e-db';
import { rawRequest, type RawResponse } from './raw-http';

/** Runs an operator's script (`scripts/<name>.ts`) on the e2e server's database (or another); returns its output. */
export function runE2eScript(name: string, args: string[], databaseUrl = e2eDatabaseUrl): string {
	const run = spawnSync(process.execPath, ['--import', 'tsx', `scripts/${name}.ts`, ...args], {
		env: { ...process.env, DATABASE_URL: databaseUrl },
		encoding: 'utf8'
	});
	if (run.status !== 0) throw new Error(`${name} failed: ${run.stderr}`);
	return run.stdout;
}

/** A new API key, made as an operator does: `npm run api-key:create` on the e2e server's database. */
export function createApiKey(name: string, databaseUrl = e2eDatabaseUrl): string {
	return runE2eScript('api-key-create', ['--name', name], databaseUrl).trim().split('\n').at(-1)!;
}

export type ApiCall = {
	method?: 'GET' | 'POST';
	path: string;
	key?: string;
	cookie?: string;
	/** Sent as JSON */
	body?: unknown;
	/** Sent exactly as written, with `headers` deciding its type */
	rawBody?: string;
	headers?: Record<string, string>;
};

// Bodies of every endpoint's shape: each test reads the fields it checks, after the schema check here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ApiReply = RawResponse & { json: any };

/**
 * Calls the API over raw HTTP, like a server of the host app (no Origin, no cookies unless given), and
 * checks the answer against the OpenAPI document the server publishes: its status must be documented
 * for the endpoint, and its body must match that status's schema.
 */
export async function api(baseURL: string, call: ApiCall): Promise<ApiReply> {
	const { method = call.body === undefined && call.rawBody === undefined ? 'GET' : 'POST' } = call;
	const body = call.rawBody ?? (call.body === undefined ? undefined : JSON.stringify(call.body));
	const response = await rawRequest(baseURL, {
		method,
		path: call.path,
		headers: {
			...(call.body !== undefined && { 'content-type': 'application/json' }),
			...(call.key && { authorization: `Bearer ${call.key}` }),
			...(call.cookie && { cookie: call.cookie }),
			...call.headers
		},
		body
	});
	const json = String(response.headers['content-type']).startsWith('application/json')
		? JSON.parse(response.body)
		: undefined;
	await expectDocumented(baseURL, method, call.path, response.status, json);
	return { ...response, json };
}

type OpenApi = {
	paths: Record<
		string,
		Record<
			string,
			{ responses: Record<string, { content?: { 'application/json': { schema: object } } }> }
		>
	>;
};

let document: Promise<OpenApi> | undefined;
const validators = new Map<string, ValidateFunction>();
export const ajv = addFormats(new Ajv2020({ allErrors: true, strict: true }));

export function openApiDocument(baseURL: string): Promise<OpenApi> {
	document ??= rawRequest(baseURL, { path: '/api/v1/openapi.json' }).then(
		(response) => JSON.parse(response.body) as OpenApi
	);
	return document;
}

/** The document's path template that a concrete path matches, e.g. /api/v1/holds/{id}/capture. */
function templateOf(doc: OpenApi, path: string) {
	const bare = path.split('?')[0];
	return Object.keys(doc.paths).find((template) =>
		new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`).test(bare)
	);
}

async function expectDocumented(
	baseURL: string,
	method: string,
	path: string,
	status: number,
	body: unknown
) {
	const doc = await openApiDocument(baseURL);
	const template = templateOf(doc, path);
	if (!template) return;
	const operation = doc.paths[template][method.toLowerCase()];
	if (!operation) return;
	const documented = operation.responses[String(status)];
	expect(documented, `${method} ${template} documents ${status}`).toBeDefined();
	const id = `${method} ${template} ${status}`;
	let validate = validators.get(id);
	if (!validate) {
		validate = ajv.compile(documented.content!['application/json'].schema);
		validators.set(id, validate);
	}
	expect(validate(body) ? [] : validate.errors, `${id} matches its schema`).toEqual([]);
}
