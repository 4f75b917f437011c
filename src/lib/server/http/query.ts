/** The named query parameters, a blank one read as absent: an empty form field filters nothing. */
export function readQuery<K extends string>(
	params: URLSearchParams,
	keys: readonly K[]
): Partial<Record<K, string>> {
	const query: Partial<Record<K, string>> = {};
	for (const key of keys) {
		const value = params.get(key);
		if (value !== null && value !== '') query[key] = value;
	}
	return query;
}
