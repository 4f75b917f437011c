import { sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';

/** The UTC calendar day (`2030-01-31`) of a millisecond timestamp: SQLite's spelling, kept in one place. */
export function utcDayOf(column: SQLiteColumn | SQL): SQL<string> {
	return sql<string>`strftime('%Y-%m-%d', ${column} / 1000, 'unixepoch')`;
}
