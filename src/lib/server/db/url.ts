/** A `postgres://` or `postgresql://` DATABASE_URL selects PostgreSQL; anything else is a SQLite file. */
export function isPostgresUrl(url: string) {
	return /^postgres(ql)?:\/\//i.test(url);
}
