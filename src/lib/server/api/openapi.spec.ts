import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiErrorCodes, apiErrors } from './errors';
import { openApiDocument } from './openapi';
import { apiOperations } from './operations';
import { curlOf } from './reference';

const routeModules = import.meta.glob<Record<string, unknown>>('/src/routes/api/v1/**/+server.ts');
const routes = Object.keys(routeModules)
	.map((file) => ({
		file,
		path: file
			.replace(/^\/src\/routes\/api\/v1/, '')
			.replace(/\/\+server\.ts$/, '')
			.replace(/\[(\w+)\]/g, '{$1}')
	}))
	.filter(({ path }) => !path.includes('[...'));

type Operation = {
	parameters: { schema: object }[];
	requestBody?: { content: Record<string, { schema: object }> };
	responses: Record<string, { content: Record<string, { schema: object }> }>;
};

describe('the OpenAPI document', () => {
	const document = openApiDocument();

	it('describes exactly the methods the API routes export', async () => {
		const served: string[] = [];
		for (const { file, path } of routes) {
			const module = await routeModules[file]();
			for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])
				if (method in module) served.push(`${method} ${path}`);
		}
		const documented = apiOperations.map(({ method, path }) => `${method} ${path}`);
		expect(documented.sort()).toEqual(served.sort());
	});

	it('holds only schemas a strict JSON Schema 2020-12 validator compiles', () => {
		const ajv = addFormats(new Ajv2020({ strict: true }));
		expect(document.openapi).toBe('3.1.0');
		let schemas = 0;
		for (const methods of Object.values(document.paths)) {
			for (const operation of Object.values(methods) as Operation[]) {
				const bodies = [
					...operation.parameters.map((parameter) => parameter.schema),
					...Object.values(operation.requestBody?.content ?? {}).map((media) => media.schema),
					...Object.values(operation.responses).flatMap((response) =>
						Object.values(response.content).map((media) => media.schema)
					)
				];
				for (const schema of bodies) {
					expect(() => ajv.compile(schema)).not.toThrow();
					schemas += 1;
				}
			}
		}
		expect(schemas).toBeGreaterThan(40);
	});

	it('refuses what the routes refuse: an unknown field, a fractional amount', () => {
		const ajv = addFormats(new Ajv2020({ strict: true }));
		const spend = document.paths['/api/v1/spend'].post as unknown as Operation;
		const validate = ajv.compile(spend.requestBody!.content['application/json'].schema);
		const body = { user_id: 'u', amount: 5, idempotency_key: 'k', reason: 'r' };
		expect(validate(body)).toBe(true);
		expect(validate({ ...body, extra: 1 })).toBe(false);
		expect(validate({ ...body, amount: 1.5 })).toBe(false);
	});

	it('is what docs/api.md documents: every endpoint with its curl, every error code and status', () => {
		const docs = readFileSync('docs/api.md', 'utf8');
		for (const operation of apiOperations) {
			const name = `${operation.method} /api/v1${operation.path}`;
			expect(docs, name).toContain(`### ${name}`);
			expect(docs, name).toContain(curlOf(operation, 'http://localhost:3000'));
		}
		for (const code of apiErrorCodes)
			expect(docs, code).toMatch(new RegExp(`\\| ${apiErrors[code][0]} +\\| \`${code}\``));
	});
});
