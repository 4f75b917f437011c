import type { TransferEntry, TransferFilter } from './ledger';
import type { AsyncLedger } from './ledger/async';
import { csvStream, type CsvValue } from './csv';

export const transactionsCsvHeader = [
	'date',
	'type',
	'credits',
	'balance_after',
	'description',
	'reference'
];
const pageSize = 500;

type TypeOf = (item: TransferEntry) => string;

/**
 * A user's transfers as CSV, newest first, read from the ledger one page at a time. The type column
 * is the ledger code unless `typeOf` names it otherwise.
 */
export function transactionsCsv(
	ledger: AsyncLedger,
	filter: Omit<TransferFilter, 'cursor' | 'newerCursor' | 'limit'> & { userId: string },
	typeOf: TypeOf = (item) => item.code
): ReadableStream<Uint8Array> {
	return csvStream(transactionsCsvHeader, pagesOf(ledger, filter, typeOf));
}

async function* pagesOf(
	ledger: AsyncLedger,
	filter: TransferFilter,
	typeOf: TypeOf
): AsyncGenerator<CsvValue[][]> {
	let cursor: string | null = null;
	do {
		const page = await ledger.transfers({ ...filter, limit: pageSize, cursor });
		yield page.items.map((item) => [
			item.createdAt.toISOString(),
			typeOf(item),
			item.balanceDelta,
			item.balanceAfter,
			item.reason,
			item.reference
		]);
		cursor = page.nextCursor;
	} while (cursor !== null);
}

/** A CSV download that is never cached: it holds the account's history. */
export function csvResponse(body: ReadableStream<Uint8Array>, filename: string): Response {
	return new Response(body, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${filename}"`,
			'cache-control': 'no-store'
		}
	});
}
