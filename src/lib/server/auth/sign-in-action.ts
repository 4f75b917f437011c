import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { safeRedirectTarget } from '$lib/redirect';
import { getDb, type Db } from '../db';
import { perform } from '../db/unit';
import { readForm } from '../http/form';
import type { AuthResult } from './accounts';
import { setSessionCookie } from './cookie';
import { parseCredentials, type Credentials } from './credentials';
import { retryAfterHeader } from './rate-limit';
import { createSession } from './session';

type Authenticate = (db: Db, credentials: Credentials, ip: string) => Promise<AuthResult>;

/** The shared body of the sign-up and sign-in actions: parse, authenticate, start a session, redirect. */
export async function authenticateForm(
	event: RequestEvent,
	authenticate: Authenticate,
	onSuccess?: (userId: string) => Promise<void>
) {
	const form = await readForm(event.request);
	const email = String(form.get('email') ?? '');
	const parsed = parseCredentials(form);
	if (!parsed.ok) return fail(400, { email, errors: parsed.errors });

	const db = getDb();
	const result = await authenticate(db, parsed.data, event.getClientAddress());
	if (!result.ok) {
		if (result.status === 429) event.setHeaders(retryAfterHeader(result.retryAfterMs));
		return fail(result.status, { email, message: result.message });
	}

	await onSuccess?.(result.user.id);
	const { token, expiresAt } = await perform(db, createSession(db, result.user.id));
	setSessionCookie(event.cookies, event.url, token, expiresAt);
	redirect(303, safeRedirectTarget(event.url.searchParams.get('redirectTo')));
}
