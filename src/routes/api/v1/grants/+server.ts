import { grantCredits } from '$lib/server/api/credits';
import { apiWrite } from '$lib/server/api/http';
import { grantRequest } from '$lib/server/api/schemas';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	apiWrite(event, grantRequest, { key: (body) => body.idempotency_key, run: grantCredits });
