import { captureHold } from '$lib/server/api/credits';
import { apiWrite, forHold } from '$lib/server/api/http';
import { captureRequest } from '$lib/server/api/schemas';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	apiWrite(event, captureRequest, {
		key: (body) => body.idempotency_key,
		run: (tx, caller, body) =>
			forHold(event.params.id, (holdId) => captureHold(tx, caller, holdId, body))
	});
