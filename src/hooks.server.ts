import { error, type Handle, type ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { deleteSessionCookie, setSessionCookie } from '$lib/server/auth/cookie';
import { sessionCookieName, validateSessionToken } from '$lib/server/auth/session';
import { getConfig } from '$lib/server/config';
import { getDb } from '$lib/server/db';
import { refuseInheritedActionNames } from '$lib/server/http/actions';
import { startBackgroundJobs } from '$lib/server/jobs';
import { isSameSitePath } from '$lib/redirect';

export const init: ServerInit = () => {
	getConfig();
	getDb();
	startBackgroundJobs();
};

const assignRequestId: Handle = async ({ event, resolve }) => {
	event.locals.requestId = event.request.headers.get('x-request-id') ?? crypto.randomUUID();
	const started = performance.now();
	const response = await resolve(event);
	response.headers.set('x-request-id', event.locals.requestId);
	if (response.status >= 500) {
		const ms = Math.round(performance.now() - started);
		console.error(`[${event.locals.requestId}] ${event.request.method} ${event.url.pathname} → ${response.status} (${ms} ms)`);
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
		const admin = result.user.role === 'admin' || getConfig().ADMIN_EMAILS.includes(result.user.email);
		event.locals.user = { ...result.user, role: admin ? 'admin' : 'user' };
		event.locals.session = result.session;
	} else {
		deleteSessionCookie(event.cookies);
	}
	return resolve(event);
};

// Guards live here, not in layout loads: layouts do not rerun for every request or form action.
const guardRoutes: Handle = ({ event, resolve }) => {
	const path = event.url.pathname;
	if ((path === '/admin' || path.startsWith('/admin/')) && event.locals.user?.role !== 'admin') {
		error(404, 'Not found');
	}
	if ((path === '/settings' || path.startsWith('/settings/')) && !event.locals.user) {
		const target = path + event.url.search;
		const redirectTo = isSameSitePath(target) ? `?redirectTo=${encodeURIComponent(target)}` : '';
		return new Response(null, { status: 303, headers: { location: `/login${redirectTo}` } });
	}
	return resolve(event);
};

const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	response.headers.set('x-content-type-options', 'nosniff');
	response.headers.set('x-frame-options', 'DENY');
	response.headers.set('referrer-policy', 'strict-origin-when-cross-origin');
	response.headers.set('permissions-policy', 'camera=(), microphone=(), geolocation=()');
	return response;
};

export const handle = sequence(assignRequestId, securityHeaders, refuseInheritedActionNames, loadSession, guardRoutes);
