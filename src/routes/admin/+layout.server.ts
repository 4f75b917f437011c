import { requireAdmin } from '$lib/server/auth/guard';
import type { LayoutServerLoad } from './$types';

// Each page checks again itself: layout loads do not rerun for every request.
export const load: LayoutServerLoad = (event) => {
	requireAdmin(event);
};
