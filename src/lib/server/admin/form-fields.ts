import type { z } from 'zod';

export type FieldValues = Record<string, string>;
export type FieldErrors = Record<string, string>;
export type ParsedFields<T> =
	| { ok: true; data: T; values: FieldValues }
	| { ok: false; values: FieldValues; errors: FieldErrors };

/**
 * Parses the named text fields of a form with a zod object schema: the data, or the first message per
 * field. Either way it gives back what was typed, so the form can show it again.
 */
export function parseFields<S extends z.ZodType>(
	schema: S,
	form: FormData,
	fields: readonly string[]
): ParsedFields<z.output<S>> {
	const values: FieldValues = {};
	for (const field of fields) {
		const value = form.get(field);
		if (typeof value === 'string') values[field] = value;
	}
	const parsed = schema.safeParse(values);
	if (parsed.success) return { ok: true, data: parsed.data, values };
	const errors: FieldErrors = {};
	for (const issue of parsed.error.issues)
		errors[String(issue.path[0] ?? 'form')] ??= issue.message;
	return { ok: false, values, errors };
}
