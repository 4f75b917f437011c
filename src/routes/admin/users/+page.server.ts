import { error } from '@sveltejs/kit';
import { z } from 'zod';
import { listUsers, userCursorPattern, userSorts } from '$lib/server/admin/users';
import { requireAdmin } from '$lib/server/auth/guard';
import { getDb } from '$lib/server/db';
import { pickQuery } from '$lib/server/http/query';
import type { PageServerLoad } from './$types';

const brokenLink = 'That page link is broken; start from the first page.';
const usersQuery = z.object({
	q: z.string().trim().max(254, 'Search with at most 254 characters.').optional(),
	sort: z.enum(userSorts, { error: 'Sort by balance, created or activity.' }).default('created'),
	dir: z.enum(['asc', 'desc'], { error: 'Sort asc or desc.' }).default('desc'),
	after: z.string().regex(userCursorPattern, brokenLink).optional(),
	before: z.string().regex(userCursorPattern, brokenLink).optional()
});

export const load: PageServerLoad = async (event) => {
	requireAdmin(event);
	const parsed = usersQuery.safeParse(
		pickQuery(event.url.searchParams, ['q', 'sort', 'dir', 'after', 'before'])
	);
	if (!parsed.success) error(400, parsed.error.issues[0].message);
	return { query: parsed.data, page: await listUsers(getDb(), parsed.data) };
};
