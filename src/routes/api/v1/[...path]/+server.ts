import { errorResponse } from '$lib/server/api/errors';
import type { RequestHandler } from './$types';

// Unknown API paths answer in the API's error shape, not with an HTML page.
export const fallback: RequestHandler = ({ url }) =>
	errorResponse({ code: 'not_found', message: `no endpoint ${url.pathname}` });
