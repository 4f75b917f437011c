import type { Ledger, TransferFilter } from './ledger';
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

/** A user's transfers as CSV, newest first, read from the ledger one page at a time. */
export function transactionsCsv(
	ledger: Ledger,
	filter: Omit<TransferFilter, 'cursor' | 'limit'> & { userId: string }
): ReadableStream<Uint8Array> {
	return csvStream(transactionsCsvHeader, pagesOf(ledger, filter));
}

function* pagesOf(ledger: Ledger, filter: TransferFilter): Generator<CsvValue[][]> {
	let cursor: string | null = null;
	do {
		const page = ledger.transfers({ ...filter, limit: pageSize, cursor });
		yield page.items.map((item) => [
			item.createdAt.toISOString(),
			item.code,
			item.balanceDelta,
			item.balanceAfter,
			item.reason,
			item.reference
		]);
		cursor = page.nextCursor;
	} while (cursor !== null);
}
