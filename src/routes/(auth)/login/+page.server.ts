import { redirect } from '@sveltejs/kit';
import { signIn } from '$lib/server/auth/accounts';
import { isSignedOutEverywhere } from '$lib/server/auth/guard';
import { authenticateForm } from '$lib/server/auth/sign-in-action';
import { safeRedirectTarget } from '$lib/redirect';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.user) redirect(303, safeRedirectTarget(url.searchParams.get('redirectTo')));
	return { signedOutEverywhere: isSignedOutEverywhere(url) };
};

export const actions: Actions = {
	default: (event) => authenticateForm(event, signIn)
};
