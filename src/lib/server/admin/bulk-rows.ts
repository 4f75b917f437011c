import { createHash } from 'node:crypto';
import { z } from 'zod';
import { formatCount } from '$lib/format';
import { credentialsSchema } from '../auth/credentials';
import { creditsField, reasonField } from './adjust';
import { parseCsv } from './csv';

export const maxBulkRows = 10_000;

export type BulkRow = { line: number; email: string; credits: number; reason: string };
export type BadLine = { line: number; message: string };
export type BulkUpload = {
	/** Names this upload: the same lines give the same digest, however they were sent. */
	digest: string;
	/** The lines as read, to send back for applying what was previewed. */
	content: string;
	rows: BulkRow[];
	malformed: BadLine[];
};

const rowSchema = z.object({
	email: credentialsSchema.shape.email,
	credits: creditsField,
	reason: reasonField
});
const columns = ['email', 'credits', 'reason'] as const;

const isBlank = (fields: string[]) => fields.every((field) => field.trim() === '');
const isHeader = (fields: string[]) =>
	fields.length === columns.length &&
	fields.every((field, i) => field.trim().toLowerCase() === columns[i]);

/**
 * Reads `email,credits,reason` lines (a header line is optional, blank lines are skipped) into rows
 * and the malformed lines with their numbers, or a message when there are none or more than maxBulkRows.
 */
export function parseBulkUpload(
	text: string
): { ok: true; upload: BulkUpload } | { ok: false; message: string } {
	// A textarea sends CRLF, a file often LF, and an editor may add a last newline: the same lines.
	const canonical = text
		.replace(/^\uFEFF/, '')
		.replace(/\r\n?/g, '\n')
		.replace(/\n+$/, '');
	const records = parseCsv(canonical).filter(({ fields }) => !isBlank(fields));
	if (records.length > 0 && isHeader(records[0].fields)) records.shift();
	if (records.length === 0)
		return { ok: false, message: 'Paste lines or choose a CSV file of email,credits,reason.' };
	if (records.length > maxBulkRows) {
		return {
			ok: false,
			message: `The upload has ${formatCount(records.length)} rows; send at most ${formatCount(maxBulkRows)} at a time.`
		};
	}
	const rows: BulkRow[] = [];
	const malformed: BadLine[] = [];
	for (const { line, fields, error } of records) {
		if (error) {
			malformed.push({ line, message: `Malformed CSV: ${error}.` });
		} else if (fields.length !== columns.length) {
			const message = `Expected 3 fields (email,credits,reason), found ${fields.length}.`;
			malformed.push({ line, message });
		} else {
			const parsed = rowSchema.safeParse(Object.fromEntries(columns.map((c, i) => [c, fields[i]])));
			if (parsed.success) rows.push({ line, ...parsed.data });
			else {
				const [issue] = parsed.error.issues;
				malformed.push({ line, message: `${String(issue.path[0])}: ${issue.message}` });
			}
		}
	}
	const digest = createHash('sha256').update(canonical).digest('base64url');
	return { ok: true, upload: { digest, content: canonical, rows, malformed } };
}

/** The upload of a form: the `csv` file when one was chosen, else the pasted `rows`. */
export async function readBulkUpload(form: FormData) {
	const file = form.get('csv');
	const rows = form.get('rows');
	const text = file instanceof File && file.size > 0 ? await file.text() : rows;
	return parseBulkUpload(typeof text === 'string' ? text : '');
}
