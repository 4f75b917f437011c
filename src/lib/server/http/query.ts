import { error } from '@sveltejs/kit';
import { z } from 'zod';

/**
 * The URL's query checked against `schema`; an empty field counts as absent (a filter form sends
 * every field). A value that does not fit is a 400 that names it, never a 500.
 */
export function readQuery<T>(url: URL, schema: z.ZodType<T>): T {
	const fields = Object.fromEntries([...url.searchParams].filter(([, value]) => value !== ''));
	const parsed = schema.safeParse(fields);
	if (!parsed.success) {
		const [issue] = parsed.error.issues;
		error(400, `${issue.path.join('.') || 'query'}: ${issue.message}`);
	}
	return parsed.data;
}

/** A calendar day from a date field (`2026-01-31`), as the UTC midnight it starts at. */
export const day = z.iso.date('Use a date like 2026-01-31.').transform((text) => new Date(text));

/** The day after, so that a "to" date includes the whole of its day. */
export function endOfDay(start: Date): Date {
	return new Date(start.getTime() + 24 * 60 * 60 * 1000);
}
