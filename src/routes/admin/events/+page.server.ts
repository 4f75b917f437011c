import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { listEvents } from '$lib/server/admin/events';
import { reconcileAsAdmin } from '$lib/server/admin/reconcile';
import { requireAdmin } from '$lib/server/auth/guard';
import { getDb } from '$lib/server/db';
import { eventOutcomes } from '$lib/server/db/schema';
import { readForm } from '$lib/server/http/form';
import { readQuery } from '$lib/server/http/query';
import { getStripe } from '$lib/server/stripe/client';
import type { Actions, PageServerLoad } from './$types';

const filters = z.object({
	type: z.string().trim().max(200).optional(),
	outcome: z.enum(eventOutcomes).optional(),
	before: z.string().max(300).optional()
});

export const load: PageServerLoad = async (event) => {
	requireAdmin(event);
	return {
		page: await listEvents(getDb(), readQuery(event.url, filters)),
		outcomes: eventOutcomes
	};
};

export const actions: Actions = {
	reconcile: async (event) => {
		const admin = requireAdmin(event);
		await readForm(event.request);
		const outcome = await reconcileAsAdmin(getDb(), getStripe(), admin);
		if (!outcome.ok) return fail(502, { reconcile: { message: outcome.message } });
		return { reconcile: { summary: outcome.summary } };
	}
};
