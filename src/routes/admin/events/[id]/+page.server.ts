import { error } from '@sveltejs/kit';
import { findEvent, replayEvent } from '$lib/server/admin/events';
import { requireAdmin } from '$lib/server/auth/guard';
import { getDb } from '$lib/server/db';
import { readForm } from '$lib/server/http/form';
import { getStripe } from '$lib/server/stripe/client';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireAdmin(event);
	const stored = await findEvent(getDb(), event.params.id);
	if (!stored) error(404, 'No event has that id.');
	return { event: stored };
};

export const actions: Actions = {
	replay: async (event) => {
		const admin = requireAdmin(event);
		await readForm(event.request);
		const result = await replayEvent(getDb(), getStripe(), admin, event.params.id);
		if (!result.ok) error(404, result.message);
		return { replay: result };
	}
};
