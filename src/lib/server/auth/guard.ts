import { error, redirect } from '@sveltejs/kit';
import { isSameSitePath } from '$lib/redirect';
import type { SessionUser } from './session';

type Caller = { locals: App.Locals; url: URL };

/**
 * Every admin load, action and endpoint calls this first. Anyone but an admin learns nothing,
 * not even that the page exists: 404.
 */
export function requireAdmin({ locals }: Pick<Caller, 'locals'>): SessionUser {
	if (locals.user?.role !== 'admin') error(404, 'Not found');
	return locals.user;
}

/** Pages for signed-in users send everyone else to sign in, and back here afterwards. */
export function requireUser({ locals, url }: Caller): SessionUser {
	if (locals.user) return locals.user;
	redirect(303, signInPath(url));
}

export function signInPath(url: URL): string {
	const target = url.pathname + url.search;
	return isSameSitePath(target) ? `/login?redirectTo=${encodeURIComponent(target)}` : '/login';
}

/** Where "sign out everywhere" lands: the sign-in page, saying why the visitor is there. */
export const signedOutEverywherePath = '/login?signedOut=everywhere';

export function isSignedOutEverywhere(url: URL): boolean {
	return url.searchParams.get('signedOut') === 'everywhere';
}
