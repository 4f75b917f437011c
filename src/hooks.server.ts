import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { deleteSessionCookie, setSessionCookie } from '$lib/server/auth/cookie';
import { promoteListedAdmins } from '$lib/server/admin/users';
import { sessionCookieName, validateSessionToken } from '$lib/server/auth/session';
import { getConfig } from '$lib/server/config';
import { getDb } from '$lib/server/db';
import { refuseInheritedActionNames } from '$lib/server/http/actions';
import { startBackgroundJobs } from '$lib/server/jobs';
import { inRequest, log, requestIdFrom } from '$lib/server/log';
import { serving, shutDownOnSignal } from '$lib/server/shutdown';
import { requireAdmin, requireUser } from '$lib/server/auth/guard';
import { isCrossSiteWrite } from '$lib/server/http/cross-site';
import { isUnder, securityHeaders } from '$lib/server/http/headers';
import { checkoutOrigin } from '$lib/server/stripe/client';
import { parseTheme, themeClass, themeCookieName } from '$lib/theme';

export const init: ServerInit = async () => {
	const promoted = await promoteListedAdmins(getDb(), getConfig().ADMIN_EMAILS);
	if (promoted.length > 0) log.info({ promoted }, 'ADMIN_EMAILS promoted to admin');
	startBackgroundJobs();
	shutDownOnSignal();
};

// The path without its query string: a query may carry what a log should not keep.
const logRequest: Handle = ({ event, resolve }) => {
	const requestId = requestIdFrom(event.request.headers);
	event.locals.requestId = requestId;
	return inRequest(requestId, () =>
		serving(async () => {
			const started = performance.now();
			const response = await resolve(event);
			response.headers.set('x-request-id', requestId);
			log[response.status >= 500 ? 'error' : 'info']({
				method: event.request.method,
				route: event.route.id,
				path: event.url.pathname,
				action: actionName(event.url),
				status: response.status,
				ms: Math.round(performance.now() - started)
			});
			return response;
		})
	);
};

function actionName(url: URL): string | undefined {
	return url.search.startsWith('?/') ? url.search.slice(2).split('&')[0] : undefined;
}

export const handleError: HandleServerError = ({ error, event, status, message }) => {
	// A 404 for an unknown path is already in its access line; only a failure needs its stack.
	if (status >= 500) log.error({ err: error, status, route: event.route.id }, message);
	return { message, requestId: event.locals.requestId };
};

const loadSession: Handle = async ({ event, resolve }) => {
	const token = event.cookies.get(sessionCookieName);
	event.locals.user = null;
	event.locals.session = null;
	if (!token) return resolve(event);

	const result = await validateSessionToken(getDb(), token);
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

// The chosen theme's class is in the first HTML, so the page paints in it without waiting for a script.
const applyTheme: Handle = ({ event, resolve }) => {
	event.locals.theme = parseTheme(event.cookies.get(themeCookieName));
	const className = themeClass(event.locals.theme);
	return resolve(event, {
		transformPageChunk: ({ html }) => html.replace('%app.theme%', className)
	});
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
	logRequest,
	securityHeaders(() => checkoutOrigin(getConfig())),
	refuseCrossSiteWrites,
	refuseInheritedActionNames,
	applyTheme,
	loadSession,
	guardRoutes
);
