import type { Handle, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { deleteSessionCookie, setSessionCookie } from '$lib/server/auth/cookie';
import { promoteListedAdmins } from '$lib/server/admin/users';
import { sessionCookieName, validateSessionToken } from '$lib/server/auth/session';
import { getConfig } from '$lib/server/config';
import { getDb } from '$lib/server/db';
import { refuseInheritedActionNames } from '$lib/server/http/actions';
import { startBackgroundJobs, stopBackgroundJobs } from '$lib/server/jobs';
import { requireAdmin, requireUser } from '$lib/server/auth/guard';
import { isCrossSiteWrite } from '$lib/server/http/cross-site';
import { isUnder, securityHeaders } from '$lib/server/http/headers';
import { checkoutOrigin } from '$lib/server/stripe/client';

export const init: ServerInit = () => {
	const promoted = promoteListedAdmins(getDb(), getConfig().ADMIN_EMAILS);
	if (promoted.length > 0) console.log(`ADMIN_EMAILS: ${promoted.join(', ')} promoted to admin`);
	startBackgroundJobs();
	// adapter-node emits this once the server has closed (SIGTERM, SIGINT or idle).
	process.once('sveltekit:shutdown', () => void stopBackgroundJobs());
};

const assignRequestId: Handle = async ({ event, resolve }) => {
	event.locals.requestId = event.request.headers.get('x-request-id') ?? crypto.randomUUID();
	const started = performance.now();
	const response = await resolve(event);
	response.headers.set('x-request-id', event.locals.requestId);
	if (response.status >= 500) {
		const ms = Math.round(performance.now() - started);
		console.error(
			`[${event.locals.requestId}] ${event.request.method} ${event.url.pathname} → ${response.status} (${ms} ms)`
		);
	}
	return response;
};

const loadSession: Handle = ({ event, resolve }) => {
	const token = event.cookies.get(sessionCookieName);
	event.locals.user = null;
	event.locals.session = null;
	if (!token) return resolve(event);

	const result = validateSessionToken(getDb(), token);
	if (result.session) {
		if (result.fresh) setSessionCookie(event.cookies, event.url, token, result.session.expiresAt);
		event.locals.user = result.user;
		event.locals.session = result.session;
	} else {
		deleteSessionCookie(event.cookies);
	}
	return resolve(event);
};

// The matched route, not the URL's text: SvelteKit matches on the decoded path, so `/%61dmin` is /admin.
// Every admin and settings handler checks again itself; this is the second lock, not the only one.
const guardRoutes: Handle = ({ event, resolve }) => {
	if (isUnder(event.route.id, '/admin')) requireAdmin(event);
	if (isUnder(event.route.id, '/settings')) requireUser(event);
	return resolve(event);
};

const refuseCrossSiteWrites: Handle = ({ event, resolve }) => {
	if (
		event.route.id !== '/api/webhooks/stripe' &&
		isCrossSiteWrite(event.request, event.url.origin, getConfig().trustedOrigins)
	) {
		return new Response('Cross-site requests that change anything are refused.', { status: 403 });
	}
	return resolve(event);
};

export const handle = sequence(
	assignRequestId,
	securityHeaders(() => checkoutOrigin(getConfig())),
	refuseCrossSiteWrites,
	refuseInheritedActionNames,
	loadSession,
	guardRoutes
);
