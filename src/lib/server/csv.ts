export type CsvValue = string | number | null | undefined;

// A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
const formulaStart = /^[=+\-@\t\r]/;

/**
 * One RFC 4180 record, CRLF-terminated: a field with a comma, quote or line break is quoted, its quotes
 * doubled. Text that a spreadsheet would run as a formula gets a leading apostrophe; numbers never do.
 */
export function csvRecord(values: CsvValue[]): string {
	return values.map(csvField).join(',') + '\r\n';
}

function csvField(value: CsvValue): string {
	if (value === null || value === undefined) return '';
	if (typeof value === 'number') return String(value);
	const text = formulaStart.test(value) ? `'${value}` : value;
	return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * A CSV body that reads one page of records at a time, when the client is ready for more: a large
 * export never sits in memory whole.
 */
export function csvStream(
	header: string[],
	pages: AsyncIterable<CsvValue[][]>
): ReadableStream<Uint8Array> {
	const encoder = new TextEncoder();
	const iterator = pages[Symbol.asyncIterator]();
	return new ReadableStream({
		start(controller) {
			controller.enqueue(encoder.encode(csvRecord(header)));
		},
		async pull(controller) {
			const next = await iterator.next();
			if (next.done) controller.close();
			else controller.enqueue(encoder.encode(next.value.map(csvRecord).join('')));
		},
		async cancel() {
			await iterator.return?.();
		}
	});
}
