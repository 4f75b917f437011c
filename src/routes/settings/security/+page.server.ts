import { fail, redirect } from '@sveltejs/kit';
import { parseFields } from '$lib/server/admin/form-fields';
import { deleteSessionCookie, setSessionCookie } from '$lib/server/auth/cookie';
import { requireUser, signedOutEverywherePath } from '$lib/server/auth/guard';
import {
	changePassword,
	passwordChangeFields,
	passwordChangeSchema
} from '$lib/server/auth/password-change';
import { retryAfterHeader } from '$lib/server/auth/rate-limit';
import { invalidateUserSessions, listActiveSessions } from '$lib/server/auth/session';
import { getDb } from '$lib/server/db';
import { perform } from '$lib/server/db/unit';
import { readForm } from '$lib/server/http/form';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	return {
		sessions: await listActiveSessions(getDb(), user.id, {
			currentSessionId: event.locals.session?.id
		})
	};
};

export const actions: Actions = {
	changePassword: async (event) => {
		const user = requireUser(event);
		// What was typed is never echoed: a password does not belong in page data.
		const parsed = parseFields(
			passwordChangeSchema,
			await readForm(event.request),
			passwordChangeFields
		);
		if (!parsed.ok) return fail(400, { changePassword: { errors: parsed.errors } });

		const result = await changePassword(getDb(), user, parsed.data, event.getClientAddress());
		if (!result.ok) {
			if (result.status === 429) event.setHeaders(retryAfterHeader(result.retryAfterMs));
			return fail(result.status, { changePassword: { errors: result.errors } });
		}
		setSessionCookie(event.cookies, event.url, result.session.token, result.session.expiresAt);
		return { changePassword: { changed: true } };
	},
	signOutEverywhere: async (event) => {
		const user = requireUser(event);
		await perform(getDb(), invalidateUserSessions(getDb(), user.id));
		deleteSessionCookie(event.cookies);
		redirect(303, signedOutEverywherePath);
	}
};
