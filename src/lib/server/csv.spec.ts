import { describe, expect, it } from 'vitest';
import { csvRecord, csvStream } from './csv';

describe('csvRecord', () => {
	it('quotes fields with commas, quotes and line breaks, and leaves the rest bare', () => {
		expect(
			csvRecord(['plain', 'a,b', 'say "hi"', 'two\nlines', 'cr\rlf', 12, -3, null, undefined])
		).toBe('plain,"a,b","say ""hi""","two\nlines","cr\rlf",12,-3,,\r\n');
	});

	it('keeps a spreadsheet from running text as a formula, but not a number', () => {
		expect(csvRecord(['=1+1', '+x', '-y', '@SUM(A1)', '=a,b', -20])).toBe(
			`'=1+1,'+x,'-y,'@SUM(A1),"'=a,b",-20\r\n`
		);
	});
});

describe('csvStream', () => {
	it('sends the header, then one page at a time as the reader asks', async () => {
		const served: number[] = [];
		async function* pages() {
			for (let page = 1; page <= 3; page++) {
				served.push(page);
				yield [[`row ${page}`, page]];
			}
		}
		const reader = csvStream(['name', 'n'], pages()).getReader();
		const decoder = new TextDecoder();
		expect(decoder.decode((await reader.read()).value)).toBe('name,n\r\n');
		expect(decoder.decode((await reader.read()).value)).toBe('row 1,1\r\n');
		expect(served.length).toBeLessThan(3);
		let rest = '';
		for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
			rest += decoder.decode(chunk.value);
		expect(rest).toBe('row 2,2\r\nrow 3,3\r\n');
	});
});
