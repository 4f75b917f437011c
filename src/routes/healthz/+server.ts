import { json } from '@sveltejs/kit';
import { checkDatabase } from '$lib/server/db/health';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async () => {
	const problem = await checkDatabase();
	return problem ? json({ ok: false, error: problem }, { status: 503 }) : json({ ok: true });
};
