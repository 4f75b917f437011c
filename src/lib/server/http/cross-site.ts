const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A state-changing request that a browser says comes from another site. This is the app's one origin
 * check (SvelteKit's is off in svelte.config.js): it covers forms and also a bodiless or JSON POST (a
 * cross-site `fetch('/logout', { method: 'POST' })`), which SvelteKit's never did. Clients that send no `Origin` (curl, servers) cannot carry
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
