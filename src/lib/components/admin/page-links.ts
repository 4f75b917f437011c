/**
 * Links for a keyset-paginated list: older pages carry `?before=` (the last row's cursor); "newer"
 * goes back to the newest page. Other query parameters (the filters) are kept.
 */
export function pageLinks(url: URL, nextCursor: string | number | null) {
	const at = (before: string | number | null) => {
		const params = new URLSearchParams(url.searchParams);
		if (before === null) params.delete('before');
		else params.set('before', String(before));
		const query = params.toString();
		return query ? `${url.pathname}?${query}` : url.pathname;
	};
	return {
		newerHref: url.searchParams.has('before') ? at(null) : null,
		olderHref: nextCursor === null ? null : at(nextCursor)
	};
}
