import { z } from 'zod';
import { transferCodes, type TransferCode } from '../db/schema';
import { pickQuery } from '../http/query';

const dayMs = 24 * 60 * 60 * 1000;
const day = (field: string) =>
	z
		.string()
		.regex(/^\d{4}-\d{2}-\d{2}$/, `Give the ${field} date as YYYY-MM-DD.`)
		.refine((value) => startOf(value)?.toISOString().startsWith(value), 'No such date.')
		.optional();
// Date.parse rolls 2030-02-30 over into March; reading the date back catches it.
const startOf = (value: string) => {
	const at = Date.parse(`${value}T00:00:00Z`);
	return Number.isNaN(at) ? null : new Date(at);
};

const ledgerQuery = z
	.object({
		code: z.enum(transferCodes, { error: 'Choose a transfer type from the list.' }).optional(),
		from: day('from'),
		to: day('to'),
		cursor: z
			.string()
			.regex(/^[1-9]\d{0,15}$/, 'That page link is broken; start from the first page.')
			.optional()
	})
	.refine((q) => !q.from || !q.to || q.from <= q.to, {
		path: ['to'],
		message: 'The "to" date comes before the "from" date.'
	});

export type LedgerFilter = {
	code?: TransferCode;
	from?: Date;
	/** exclusive: the day after the "to" date */
	to?: Date;
	cursor?: string;
};
export type LedgerQuery = { code?: TransferCode; from?: string; to?: string };
export type LedgerFilterResult =
	{ ok: true; filter: LedgerFilter; query: LedgerQuery } | { ok: false; message: string };

/** `?code=&from=&to=&cursor=`, dates inclusive whole UTC days; blank fields mean no filter. */
export function parseLedgerFilter(params: URLSearchParams): LedgerFilterResult {
	const parsed = ledgerQuery.safeParse(pickQuery(params, ['code', 'from', 'to', 'cursor']));
	if (!parsed.success) return { ok: false, message: parsed.error.issues[0].message };
	const { code, from, to, cursor } = parsed.data;
	return {
		ok: true,
		query: { code, from, to },
		filter: {
			code,
			from: from ? startOf(from)! : undefined,
			to: to ? new Date(startOf(to)!.getTime() + dayMs) : undefined,
			cursor
		}
	};
}
