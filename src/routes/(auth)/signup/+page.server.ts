import { redirect } from '@sveltejs/kit';
import { signUp } from '$lib/server/auth/accounts';
import { authenticateForm } from '$lib/server/auth/sign-in-action';
import { getDb } from '$lib/server/db';
import { grantSignupBonus } from '$lib/server/signup-bonus';
import { safeRedirectTarget } from '$lib/redirect';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.user) redirect(303, safeRedirectTarget(url.searchParams.get('redirectTo')));
};

export const actions: Actions = {
	default: (event) => authenticateForm(event, signUp, (userId) => grantSignupBonus(getDb(), userId))
};
