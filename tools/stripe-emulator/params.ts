import { z } from 'zod';
import { ApiError } from './errors';
import type { FormObject, FormValue } from './form';

/** Form values arrive as strings, so numbers and booleans are parsed from text as Stripe does. */
export const integer = z
	.string()
	.refine((value) => /^-?\d+$/.test(value), {
		message: 'Invalid integer',
		params: { code: 'parameter_invalid_integer' }
	})
	.transform(Number);

export const boolean = z.enum(['true', 'false']).transform((value) => value === 'true');

export const text = z.string().min(1);

const metadataPattern = (value: unknown): value is Record<string, string> | '' =>
	value === '' || (typeof value === 'object' && value !== null && !Array.isArray(value));

/** Stripe's metadata limits, with the messages Stripe gives for each. */
const MAX_METADATA_KEYS = 50;
const MAX_METADATA_KEY_LENGTH = 40;
const MAX_METADATA_VALUE_LENGTH = 500;

function metadataProblem(metadata: Record<string, unknown>): string | null {
	const entries = Object.entries(metadata);
	if (entries.length > MAX_METADATA_KEYS)
		return `Metadata can have up to ${MAX_METADATA_KEYS} keys, but you've set ${entries.length}.`;
	for (const [key, value] of entries) {
		if (key.length > MAX_METADATA_KEY_LENGTH)
			return `Invalid key: ${key} must be a string under ${MAX_METADATA_KEY_LENGTH} characters`;
		if (/[[\]]/.test(key))
			return `Invalid key: ${key} must not contain square brackets ('[' or ']')`;
		if (typeof value !== 'string' || value.length > MAX_METADATA_VALUE_LENGTH)
			return `Invalid val: ${typeof value === 'string' ? value : JSON.stringify(value)} must be a string under ${MAX_METADATA_VALUE_LENGTH} characters`;
	}
	return null;
}

/** `metadata=` clears every key; `metadata[k]=` clears one key. */
export const metadata = z
	.custom<Record<string, string> | ''>(metadataPattern, { message: 'Invalid metadata' })
	.superRefine((value, context) => {
		const problem = value === '' ? null : metadataProblem(value);
		if (problem) context.addIssue({ code: 'custom', message: problem, params: { exact: true } });
	});

export const expand = z.array(z.string()).optional();

export const listParams = {
	limit: integer.pipe(z.number().min(1).max(100)).optional(),
	starting_after: text.optional(),
	ending_before: text.optional(),
	expand
};

/** Validates parameters against a zod schema and reports the first problem the way Stripe does. */
export function parseParams<S extends z.ZodType>(schema: S, input: FormObject): z.output<S> {
	const result = schema.safeParse(input);
	if (result.success) return result.data;
	const unknown = result.error.issues.find((issue) => issue.code === 'unrecognized_keys');
	throw toApiError(unknown ?? result.error.issues[0], input);
}

function toApiError(issue: z.core.$ZodIssue, input: FormObject): ApiError {
	const fail = (message: string, code?: string) =>
		new ApiError(400, 'invalid_request_error', message, code, param, true);
	if (issue.code === 'unrecognized_keys') {
		const param = formatParam([...issue.path, issue.keys[0]]);
		return new ApiError(
			400,
			'invalid_request_error',
			`Received unknown parameter: ${param}`,
			'parameter_unknown',
			param,
			true
		);
	}
	const param = formatParam(issue.path);
	const value = valueAt(input, issue.path);
	if (value === undefined) return fail(`Missing required param: ${param}.`, 'parameter_missing');
	if (value === '' && issue.code === 'too_small') {
		return fail(
			`You passed an empty string for '${param}'. We assume empty values are an attempt to unset a parameter; however '${param}' cannot be unset. You should remove '${param}' from your request or supply a non-empty value.`,
			'parameter_invalid_empty'
		);
	}
	if (issue.code === 'custom' && issue.params?.exact) return fail(issue.message);
	if (issue.code === 'custom' && typeof issue.params?.code === 'string') {
		return fail(`${issue.message}: ${String(value)}`, issue.params.code);
	}
	if (issue.code === 'invalid_value')
		return fail(`Invalid ${param}: must be one of ${issue.values.join(', ')}`);
	return fail(`Invalid ${param}: ${issue.message}`);
}

/** `['line_items', 0, 'price']` → `line_items[0][price]` */
export function formatParam(path: PropertyKey[]): string {
	return path.map((segment, i) => (i === 0 ? String(segment) : `[${String(segment)}]`)).join('');
}

function valueAt(input: FormObject, path: PropertyKey[]): FormValue | undefined {
	let node: FormValue | undefined = input;
	for (const segment of path) {
		if (node === undefined || typeof node === 'string') return undefined;
		node = Array.isArray(node) ? node[Number(segment)] : node[String(segment)];
	}
	return node;
}

/** Applies Stripe's metadata update rules to an existing set of keys. */
export function mergeMetadata(
	current: Record<string, string>,
	update: Record<string, string> | '' | undefined
): Record<string, string> {
	if (update === undefined) return current;
	if (update === '') return {};
	const next = { ...current };
	for (const [key, value] of Object.entries(update)) {
		if (value === '') delete next[key];
		else next[key] = value;
	}
	return next;
}
