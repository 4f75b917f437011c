import type { ApiErrorView, ApiOperationView } from '../../types';
import { apiErrors, apiErrorCodes } from './errors';
import { apiOperations, type ApiOperation } from './operations';

/** A curl command that calls the operation on `origin` with its example (docs page and docs/api.md). */
export function curlOf(operation: ApiOperation, origin: string): string {
	const path = operation.path.replace('{id}', 'HOLD_ID');
	const query = typeof operation.example === 'string' ? `?${operation.example}` : '';
	const lines = [`curl "${origin}/api/v1${path}${query}"`];
	if (operation.method === 'POST') lines.push('-X POST');
	if (operation.access !== 'anyone') lines.push('-H "Authorization: Bearer $CREDITS_API_KEY"');
	if (typeof operation.example === 'object' && Object.keys(operation.example).length > 0) {
		lines.push('-H "Content-Type: application/json"');
		lines.push(`-d '${JSON.stringify(operation.example)}'`);
	}
	return lines.join(' \\\n  ');
}

export function apiReference(origin: string): {
	operations: ApiOperationView[];
	errors: ApiErrorView[];
} {
	return {
		operations: apiOperations.map((operation) => ({
			id: operation.id,
			method: operation.method,
			path: `/api/v1${operation.path}`,
			summary: operation.summary,
			access: operation.access,
			curl: curlOf(operation, origin),
			errors: operation.errors
		})),
		errors: apiErrorCodes.map((code) => ({
			code,
			status: apiErrors[code][0],
			meaning: apiErrors[code][1]
		}))
	};
}
