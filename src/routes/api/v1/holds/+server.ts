import { holdCredits } from '$lib/server/api/credits';
import { apiWrite } from '$lib/server/api/http';
import { holdRequest } from '$lib/server/api/schemas';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	apiWrite(event, holdRequest, { key: (body) => body.idempotency_key, run: holdCredits });
