import { z } from 'zod';
import { packages } from '$lib/credits/packages';
import { listPurchases } from '$lib/server/admin/purchases';
import { requireAdmin } from '$lib/server/auth/guard';
import { getDb } from '$lib/server/db';
import { purchaseStatuses } from '$lib/types';
import { day, endOfDay, readQuery } from '$lib/server/http/query';
import type { PageServerLoad } from './$types';

const filters = z.object({
	status: z.enum(purchaseStatuses).optional(),
	package: z.string().max(100).optional(),
	email: z.string().trim().max(320).optional(),
	from: day.optional(),
	to: day.optional(),
	before: z.string().max(300).optional()
});

export const load: PageServerLoad = async (event) => {
	requireAdmin(event);
	const query = readQuery(event.url, filters);
	const page = await listPurchases(getDb(), {
		status: query.status,
		packageId: query.package,
		email: query.email,
		from: query.from,
		to: query.to && endOfDay(query.to),
		before: query.before
	});
	return {
		page,
		statuses: purchaseStatuses,
		packageIds: packages.map((pkg) => pkg.id)
	};
};
