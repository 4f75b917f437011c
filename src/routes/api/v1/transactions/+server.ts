import { listTransactions } from '$lib/server/api/credits';
import { apiRead } from '$lib/server/api/http';
import { transactionsQuery } from '$lib/server/api/schemas';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	apiRead(event, transactionsQuery, { session: true, run: listTransactions });
