import { releaseHold, releaseKeyOf } from '$lib/server/api/credits';
import { apiWrite, forHold } from '$lib/server/api/http';
import { releaseRequest } from '$lib/server/api/schemas';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	apiWrite(event, releaseRequest, {
		key: (body) => releaseKeyOf(event.params.id, body),
		run: (tx, caller, body) =>
			forHold(event.params.id, (holdId) => releaseHold(tx, caller, holdId, body))
	});
