import { z } from 'zod';
import { apiErrors, statusOf, type ApiErrorCode } from './errors';
import { apiOperations, type ApiOperation } from './operations';

type JsonSchema = Record<string, unknown>;

// OpenAPI 3.1 declares the dialect once (jsonSchemaDialect); each schema needs no `$schema`.
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
	const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, target: 'draft-2020-12' });
	return rest;
}

function errorSchema(codes: ApiErrorCode[]): JsonSchema {
	const shape = z.strictObject({
		error: z.strictObject({
			code: z.enum(codes as [ApiErrorCode, ...ApiErrorCode[]]),
			message: z.string(),
			param: z.string().optional().meta({ description: 'the field or parameter at fault' })
		})
	});
	return jsonSchema(shape, 'output');
}

const json = (schema: JsonSchema) => ({ 'application/json': { schema } });

function parametersOf(operation: ApiOperation) {
	const path = [...operation.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
		name,
		in: 'path',
		required: true,
		schema: { type: 'string', pattern: '^[1-9][0-9]*$' }
	}));
	if (!operation.query) return path;
	const query = jsonSchema(operation.query, 'input') as {
		properties: Record<string, JsonSchema>;
		required?: string[];
	};
	return [
		...path,
		...Object.entries(query.properties).map(([name, schema]) => ({
			name,
			in: 'query',
			required: query.required?.includes(name) ?? false,
			...(typeof schema.description === 'string' && { description: schema.description }),
			schema
		}))
	];
}

function responsesOf(operation: ApiOperation) {
	const replayHeader = {
		'Idempotent-Replayed': {
			description: '`true` when this is the stored first response to the idempotency key',
			schema: { type: 'string', enum: ['true'] }
		}
	};
	const responses: Record<string, unknown> = {
		200: {
			description: 'OK',
			...(operation.idempotent && { headers: replayHeader }),
			content: json(jsonSchema(operation.response, 'output'))
		}
	};
	const byStatus = new Map<number, ApiErrorCode[]>();
	for (const code of operation.errors)
		byStatus.set(statusOf(code), [...(byStatus.get(statusOf(code)) ?? []), code]);
	for (const [status, codes] of byStatus) {
		responses[status] = {
			description: codes.map((code) => `\`${code}\`: ${apiErrors[code][1]}`).join(' '),
			...(status === 429 && {
				headers: {
					'Retry-After': { description: 'seconds to wait', schema: { type: 'string' } }
				}
			}),
			content: json(errorSchema(codes))
		};
	}
	return responses;
}

function securityOf(operation: ApiOperation) {
	if (operation.access === 'anyone') return [];
	if (operation.access === 'key') return [{ apiKey: [] }];
	return [{ apiKey: [] }, { session: [] }];
}

/** The OpenAPI 3.1 document of /api/v1, made from the operations and the routes' own zod schemas. */
export function openApiDocument() {
	const paths: Record<string, Record<string, unknown>> = {};
	for (const operation of apiOperations) {
		const path = `/api/v1${operation.path}`;
		paths[path] ??= {};
		paths[path][operation.method.toLowerCase()] = {
			operationId: operation.id,
			summary: operation.summary,
			security: securityOf(operation),
			parameters: parametersOf(operation),
			...(operation.body && {
				requestBody: { required: false, content: json(jsonSchema(operation.body, 'input')) }
			}),
			responses: responsesOf(operation)
		};
	}
	return {
		openapi: '3.1.0',
		jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
		info: {
			title: 'Credits API',
			version: '1',
			description:
				'Check and spend your users’ credits. Send an API key as `Authorization: Bearer <key>`. Errors are `{"error":{"code","message","param"}}`.'
		},
		servers: [{ url: '/' }],
		components: {
			securitySchemes: {
				apiKey: { type: 'http', scheme: 'bearer', description: 'An API key from /admin/api-keys' },
				session: { type: 'apiKey', in: 'cookie', name: 'credits_session' }
			}
		},
		paths
	};
}
