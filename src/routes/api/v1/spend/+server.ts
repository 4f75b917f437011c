import { spendCredits } from '$lib/server/api/credits';
import { apiWrite } from '$lib/server/api/http';
import { spendRequest } from '$lib/server/api/schemas';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	apiWrite(event, spendRequest, { key: (body) => body.idempotency_key, run: spendCredits });
