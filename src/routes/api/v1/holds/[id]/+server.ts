import { z } from 'zod';
import { getHold } from '$lib/server/api/credits';
import { apiRead, forHold } from '$lib/server/api/http';
import { perform } from '$lib/server/db/unit';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	apiRead(event, z.strictObject({}), {
		session: false,
		run: (db, caller) =>
			perform(
				db,
				forHold(event.params.id, (holdId) => getHold(db, caller, holdId))
			)
	});
