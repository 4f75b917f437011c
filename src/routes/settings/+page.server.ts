import { redirect } from '@sveltejs/kit';
import { requireUser } from '$lib/server/auth/guard';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => {
	requireUser(event);
	redirect(307, '/settings/credits');
};
