import { balanceDependency } from '$lib/credits/balance';
import { readAvailableCredits } from '$lib/server/customer-balance';
import { getDb } from '$lib/server/db';
import type { AccountView } from '$lib/types';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals, depends }) => {
	depends(balanceDependency);
	const user: AccountView | null = locals.user && {
		email: locals.user.email,
		role: locals.user.role
	};
	return {
		user,
		availableCredits: locals.user ? await readAvailableCredits(getDb(), locals.user.id) : null,
		theme: locals.theme
	};
};
