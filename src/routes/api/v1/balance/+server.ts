import { json } from '@sveltejs/kit';
import { apiError } from '$lib/server/api/errors';
import { getLedger } from '$lib/server/app-ledger';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ locals, url }) => {
	if (!locals.user) return apiError(401, 'unauthorized', 'Sign in to read your balance.');
	const userId = url.searchParams.get('user_id') ?? locals.user.id;
	if (userId !== locals.user.id)
		return apiError(403, 'forbidden', 'A session may only read its own balance.', 'user_id');
	const { balance, available } = getLedger().balance(userId);
	return json({ balance, available });
};
