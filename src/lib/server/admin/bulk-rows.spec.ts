import { describe, expect, it } from 'vitest';
import { parseBulkUpload } from './bulk-rows';
import { parseCsv } from './csv';

function uploadOf(text: string) {
	const parsed = parseBulkUpload(text);
	if (!parsed.ok) throw new Error(parsed.message);
	return parsed.upload;
}

describe('parseCsv', () => {
	it('reads quoted fields with commas, doubled quotes and line breaks, numbering records by their first line', () => {
		const records = parseCsv('a,"b, c",d\r\n"say ""hi""",x,"two\nlines"\ne,f,g');
		expect(records).toEqual([
			{ line: 1, fields: ['a', 'b, c', 'd'], error: null },
			{ line: 2, fields: ['say "hi"', 'x', 'two\nlines'], error: null },
			{ line: 4, fields: ['e', 'f', 'g'], error: null }
		]);
	});

	it('keeps malformed records with an error and goes on', () => {
		const records = parseCsv('a"b,c\n"x"y,z\nok,1,fine\n"never closed,1,x');
		expect(records.map(({ line, error }) => [line, error])).toEqual([
			[1, 'a quote inside a field that does not start with one'],
			[2, 'text after a closing quote; put the whole field in quotes'],
			[3, null],
			[4, 'a quoted field is never closed']
		]);
	});
});

describe('parseBulkUpload', () => {
	it('skips a header and blank lines, and names each bad line by its number', () => {
		const upload = uploadOf(
			[
				'Email,Credits,Reason',
				'ada@example.com,100,"Spring promotion, week 1"',
				'',
				'   ',
				'BOB@Example.com , 25 ,  loyalty bonus',
				'carol@example.com,ten,typo',
				'dave@example.com,5',
				'not-an-email,5,oops',
				'erin@example.com,0,zero',
				'frank@example.com,5,"unclosed'
			].join('\n')
		);
		expect(upload.rows).toEqual([
			{ line: 2, email: 'ada@example.com', credits: 100, reason: 'Spring promotion, week 1' },
			{ line: 5, email: 'bob@example.com', credits: 25, reason: 'loyalty bonus' }
		]);
		expect(upload.malformed).toEqual([
			{ line: 6, message: 'credits: Enter a whole number of credits, like 100.' },
			{ line: 7, message: 'Expected 3 fields (email,credits,reason), found 2.' },
			{ line: 8, message: 'email: Enter a valid email address, like you@example.com.' },
			{ line: 9, message: 'credits: Enter at least 1 credit.' },
			{ line: 10, message: 'Malformed CSV: a quoted field is never closed.' }
		]);
	});

	it('names the same lines with the same digest, whatever the line endings or a last newline', () => {
		const lines = ['ada@example.com,100,promo', 'bob@example.com,5,promo'];
		const digests = [
			lines.join('\n'),
			lines.join('\r\n') + '\r\n',
			'\uFEFF' + lines.join('\n') + '\n\n'
		].map((text) => uploadOf(text).digest);
		expect(new Set(digests).size).toBe(1);
		expect(uploadOf(lines.reverse().join('\n')).digest).not.toBe(digests[0]);
	});

	it('accepts 10,000 rows and refuses one more with a clear message', () => {
		const rows = (n: number) =>
			Array.from({ length: n }, (_, i) => `user${i}@example.com,1,bulk promo`).join('\n');
		expect(uploadOf(`email,credits,reason\n${rows(10_000)}`).rows).toHaveLength(10_000);
		expect(parseBulkUpload(rows(10_001))).toEqual({
			ok: false,
			message: 'The upload has 10,001 rows; send at most 10,000 at a time.'
		});
	});

	it('asks for lines when there are none', () => {
		for (const text of ['', '\n \n', 'email,credits,reason\n'])
			expect(parseBulkUpload(text)).toEqual({
				ok: false,
				message: 'Paste lines or choose a CSV file of email,credits,reason.'
			});
	});
});
