import { z } from 'zod';
import { listAudit } from '$lib/server/admin/audit';
import { requireAdmin } from '$lib/server/auth/guard';
import { getDb } from '$lib/server/db';
import { auditActions } from '$lib/server/db/schema';
import { readQuery } from '$lib/server/http/query';
import type { PageServerLoad } from './$types';

const filters = z.object({
	actor: z.string().trim().toLowerCase().max(320).optional(),
	action: z.enum(auditActions).optional(),
	target: z.string().trim().max(300).optional(),
	before: z.coerce.number().int().positive().optional()
});

export const load: PageServerLoad = async (event) => {
	requireAdmin(event);
	const { actor, ...query } = readQuery(event.url, filters);
	return { log: await listAudit(getDb(), { ...query, actorEmail: actor }), actions: auditActions };
};
