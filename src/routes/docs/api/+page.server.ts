import { apiReference } from '$lib/server/api/reference';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = ({ url }) => apiReference(url.origin);
