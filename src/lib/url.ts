/** This page's path and query with some parameters set or (when null) removed: links that keep the rest. */
export function withParams(url: URL, changes: Record<string, string | null>): string {
	const params = new URLSearchParams(url.search);
	for (const [key, value] of Object.entries(changes)) {
		if (value === null) params.delete(key);
		else params.set(key, value);
	}
	const query = params.toString();
	return query ? `${url.pathname}?${query}` : url.pathname;
}
