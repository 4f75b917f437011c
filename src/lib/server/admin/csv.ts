/** One record of a CSV text: the line it starts on, its fields, and what is wrong with it if anything. */
export type CsvRecord = { line: number; fields: string[]; error: string | null };

/**
 * Splits CSV text into records as RFC 4180 reads it: fields separated by commas, records by line
 * breaks (CRLF, LF or CR), a field in double quotes may hold commas, line breaks and "" for a quote.
 * A malformed record is kept with its error, so a caller can name its line and go on with the rest.
 */
export function parseCsv(text: string): CsvRecord[] {
	const records: CsvRecord[] = [];
	let fields: string[] = [];
	let field = '';
	let quoted = false;
	let closed = false;
	let error: string | null = null;
	let line = 1;
	let start = 1;
	const endRecord = () => {
		fields.push(field);
		records.push({ line: start, fields, error });
		fields = [];
		field = '';
		closed = false;
		error = null;
	};
	const normalised = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
	for (let i = 0; i < normalised.length; i++) {
		const char = normalised[i];
		if (quoted) {
			if (char === '"' && normalised[i + 1] === '"') {
				field += '"';
				i++;
			} else if (char === '"') {
				quoted = false;
				closed = true;
			} else {
				if (char === '\n') line++;
				field += char;
			}
		} else if (char === ',') {
			fields.push(field);
			field = '';
			closed = false;
		} else if (char === '\n') {
			endRecord();
			start = ++line;
		} else if (closed) {
			error ??= 'text after a closing quote; put the whole field in quotes';
		} else if (char === '"' && field === '') {
			quoted = true;
		} else if (char === '"') {
			error ??= 'a quote inside a field that does not start with one';
		} else {
			field += char;
		}
	}
	if (quoted) error = 'a quoted field is never closed';
	if (fields.length > 0 || field !== '' || closed || quoted) endRecord();
	return records;
}
