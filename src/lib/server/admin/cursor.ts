import { and, eq, lt, or, type Column, type SQL } from 'drizzle-orm';

/** A keyset position in a list ordered newest first by (created at, id): `<ms>_<id>` in the URL. */
export type Cursor = { createdAt: Date; id: string };

export function cursorOf(row: { createdAt: Date; id: string }): string {
	return `${row.createdAt.getTime()}_${row.id}`;
}

/** The cursor written by `cursorOf`, or null for anything else (a stale or edited URL starts over). */
export function parseCursor(text: string | undefined): Cursor | null {
	const match = text ? /^(\d{1,15})_(.{1,200})$/.exec(text) : null;
	return match ? { createdAt: new Date(Number(match[1])), id: match[2] } : null;
}

/** Rows after the cursor in newest-first order. */
export function olderThan(createdAt: Column, id: Column, cursor: Cursor): SQL {
	return or(
		lt(createdAt, cursor.createdAt),
		and(eq(createdAt, cursor.createdAt), lt(id, cursor.id))
	)!;
}

/** Takes one row more than a page to learn whether another page follows. */
export function pageOf<T extends { createdAt: Date; id: string }>(rows: T[], limit: number) {
	const items = rows.slice(0, limit);
	return { items, nextCursor: rows.length > limit ? cursorOf(items[items.length - 1]) : null };
}
