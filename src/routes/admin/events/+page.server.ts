import { z } from 'zod';
import { listEvents } from '$lib/server/admin/events';
import { requireAdmin } from '$lib/server/auth/guard';
import { getDb } from '$lib/server/db';
import { eventOutcomes } from '$lib/server/db/schema';
import { readQuery } from '$lib/server/http/query';
import type { PageServerLoad } from './$types';

const filters = z.object({
	type: z.string().trim().max(200).optional(),
	outcome: z.enum(eventOutcomes).optional(),
	before: z.string().max(300).optional()
});

export const load: PageServerLoad = (event) => {
	requireAdmin(event);
	return { page: listEvents(getDb(), readQuery(event.url, filters)), outcomes: eventOutcomes };
};
