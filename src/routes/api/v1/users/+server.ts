import { findUser } from '$lib/server/api/credits';
import { apiRead } from '$lib/server/api/http';
import { usersQuery } from '$lib/server/api/schemas';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	apiRead(event, usersQuery, { session: false, run: findUser });
