import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

type JournalEntry = {
	idx: number;
	version: string;
	when: number;
	tag: string;
	breakpoints: boolean;
};

/**
 * A copy of the project's migrations (SQLite's `drizzle`, or PostgreSQL's `drizzle-pg`) in `dir`, its
 * journal's entries changed by `edit`: for migrating old databases.
 */
export function copyMigrations(
	dir: string,
	edit: (entries: JournalEntry[]) => JournalEntry[],
	source: 'drizzle' | 'drizzle-pg' = 'drizzle'
) {
	const folder = join(dir, source);
	cpSync(source, folder, { recursive: true });
	const journalFile = join(folder, 'meta/_journal.json');
	const journal = JSON.parse(readFileSync(journalFile, 'utf8'));
	writeFileSync(journalFile, JSON.stringify({ ...journal, entries: edit(journal.entries) }));
	return folder;
}
