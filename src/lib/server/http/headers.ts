import type { Handle } from '@sveltejs/kit';

/** Pages and endpoints whose answers depend on who is signed in, and so must never be cached. */
const privateRoutes = ['/settings', '/admin', '/api'];

export function isUnder(routeId: string | null, prefix: string): boolean {
	return routeId === prefix || (routeId?.startsWith(`${prefix}/`) ?? false);
}

/**
 * Headers every answer carries. `checkoutOrigin` joins the CSP's form-action because a Buy form
 * posted without JavaScript is redirected there, and Chromium applies form-action to redirects.
 */
export function securityHeaders(checkoutOrigin: () => string): Handle {
	return async ({ event, resolve }) => {
		const response = await resolve(event);
		const headers = response.headers;
		headers.set('x-content-type-options', 'nosniff');
		headers.set('x-frame-options', 'DENY');
		headers.set('referrer-policy', 'strict-origin-when-cross-origin');
		headers.set('permissions-policy', 'camera=(), microphone=(), geolocation=()');
		const csp = headers.get('content-security-policy');
		if (csp)
			headers.set('content-security-policy', `${csp}; form-action 'self' ${checkoutOrigin()}`);
		if (privateRoutes.some((prefix) => isUnder(event.route.id, prefix)) || event.locals.user) {
			headers.set('cache-control', 'no-store');
		}
		return response;
	};
}
