import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { listUsers, promoteToAdmin } from '$lib/server/admin/users';
import { requireAdmin } from '$lib/server/auth/guard';
import { getDb } from '$lib/server/db';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => {
	requireAdmin(event);
	return { users: listUsers(getDb()) };
};

const promoteForm = z.object({ userId: z.string().min(1) });

export const actions: Actions = {
	promote: async (event) => {
		requireAdmin(event);
		const parsed = promoteForm.safeParse(Object.fromEntries(await event.request.formData()));
		if (!parsed.success) return fail(400, { promote: { message: 'Choose an account to promote.' } });
		if (!promoteToAdmin(getDb(), parsed.data.userId)) return fail(404, { promote: { message: 'No such account.' } });
		return { promote: { message: 'Account promoted to admin.' } };
	}
};
