import { z } from 'zod';
import { day, endOfDay } from './http/query';
import type { TransferFilter } from './ledger';
import type { TransferQueryView } from '../types';

const cursor = z
	.string()
	.regex(/^[1-9]\d{0,15}$/, 'That page link is broken; start from the first page.');

/**
 * `?type=&from=&to=&before=&after=` of a list of transfers, for `readQuery`: `type` one of `types`,
 * dates whole UTC days (both included), `before`/`after` the cursors of the older/newer page.
 */
export function transferQuery<const T extends readonly [string, ...string[]]>(types: T) {
	return z
		.object({
			type: z.enum(types, { error: 'Choose a transfer type from the list.' }).optional(),
			from: day.optional(),
			to: day.optional(),
			before: cursor.optional(),
			after: cursor.optional()
		})
		.refine((q) => !q.from || !q.to || q.from <= q.to, {
			path: ['to'],
			message: 'The "to" date comes before the "from" date.'
		})
		.refine((q) => !(q.before && q.after), {
			path: ['after'],
			message: 'A page link has either before or after, not both; start from the first page.'
		});
}

export type TransferQuery = { from?: Date; to?: Date; before?: string; after?: string };

/** The query's dates and cursors as the ledger reads them: the "to" day is included whole. */
export function transferRange(
	query: TransferQuery
): Pick<TransferFilter, 'from' | 'to' | 'cursor' | 'newerCursor'> {
	return {
		from: query.from,
		to: query.to && endOfDay(query.to),
		cursor: query.before,
		newerCursor: query.after
	};
}

/** The filter as its form shows it and page links carry it. */
export function transferQueryView(query: TransferQuery & { type?: string }): TransferQueryView {
	const typed = (date: Date | undefined) => date?.toISOString().slice(0, 10);
	return { type: query.type, from: typed(query.from), to: typed(query.to) };
}
