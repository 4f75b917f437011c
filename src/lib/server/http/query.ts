import { error } from '@sveltejs/kit';
import { z } from 'zod';
import { dayMs } from '../../time';

/** The query's parameters with the blank ones left out: an empty form field filters nothing. */
export function presentParams(params: URLSearchParams): [string, string][] {
	return [...params].filter(([, value]) => value !== '');
}

/**
 * The URL's query checked against `schema`. A value that does not fit is a 400 that names it, never
 * a 500.
 */
export function readQuery<T>(url: URL, schema: z.ZodType<T>): T {
	const parsed = schema.safeParse(Object.fromEntries(presentParams(url.searchParams)));
	if (!parsed.success) {
		const [issue] = parsed.error.issues;
		error(400, `${issue.path.join('.') || 'query'}: ${issue.message}`);
	}
	return parsed.data;
}

/** The named parameters only, blank ones read as absent, for a caller that checks them itself. */
export function pickQuery<K extends string>(
	params: URLSearchParams,
	keys: readonly K[]
): Partial<Record<K, string>> {
	const wanted = new Set<string>(keys);
	return Object.fromEntries(presentParams(params).filter(([key]) => wanted.has(key))) as Partial<
		Record<K, string>
	>;
}

/** A calendar day from a date field (`2026-01-31`), as the UTC midnight it starts at. */
export const day = z.iso.date('Use a date like 2026-01-31.').transform((text) => new Date(text));

/** The day after, so that a "to" date includes the whole of its day. */
export function endOfDay(start: Date): Date {
	return new Date(start.getTime() + dayMs);
}
