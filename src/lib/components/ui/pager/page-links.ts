import { withParams } from '$lib/url';

/**
 * Links for a keyset-paginated list, keeping its other query parameters (the filters): older pages
 * carry `?before=` (the last row's cursor). A list that pages both ways passes `newerCursor` and
 * newer pages carry `?after=`; for one that does not, "newer" goes back to the newest page.
 */
export function pageLinks(
	url: URL,
	nextCursor: string | number | null,
	newerCursor?: string | null
) {
	const newerHref =
		newerCursor === undefined
			? url.searchParams.has('before')
				? withParams(url, { before: null })
				: null
			: newerCursor && withParams(url, { before: null, after: newerCursor });
	return {
		newerHref,
		olderHref:
			nextCursor === null ? null : withParams(url, { after: null, before: String(nextCursor) })
	};
}
