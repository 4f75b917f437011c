import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { listUsers, promoteToAdmin } from '$lib/server/admin/users';
import { getDb } from '$lib/server/db';
import { readForm } from '$lib/server/http/form';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => ({ users: listUsers(getDb()) });

const promoteForm = z.object({ userId: z.string().min(1) });

export const actions: Actions = {
	promote: async ({ request }) => {
		const parsed = promoteForm.safeParse(Object.fromEntries(await readForm(request)));
		if (!parsed.success) return fail(400, { promote: { message: 'Choose an account to promote.' } });
		if (!promoteToAdmin(getDb(), parsed.data.userId)) return fail(404, { promote: { message: 'No such account.' } });
		return { promote: { message: 'Account promoted to admin.' } };
	}
};
