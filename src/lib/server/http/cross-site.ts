const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A state-changing request that a browser says comes from another site. SvelteKit's own check covers
 * only form content types; a bodiless or JSON POST (a cross-site `fetch('/logout', { method: 'POST' })`)
 * would otherwise carry the victim's cookie. Clients that send no `Origin` (curl, servers) cannot carry
 * a browser's cookies, so they pass.
 */
export function isCrossSiteWrite(
	request: Request,
	origin: string,
	trustedOrigins: readonly string[] = []
): boolean {
	if (safeMethods.has(request.method)) return false;
	const from = request.headers.get('origin');
	if (from !== null) return from !== origin && !trustedOrigins.includes(from);
	const site = request.headers.get('sec-fetch-site');
	return site === 'cross-site' || site === 'same-site';
}
