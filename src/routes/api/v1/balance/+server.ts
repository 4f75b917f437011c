import { getBalance } from '$lib/server/api/credits';
import { apiRead } from '$lib/server/api/http';
import { balanceQuery } from '$lib/server/api/schemas';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	apiRead(event, balanceQuery, { session: true, run: getBalance });
