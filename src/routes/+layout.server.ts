import type { AccountView } from '$lib/types';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals }) => {
	const user: AccountView | null = locals.user && {
		email: locals.user.email,
		role: locals.user.role
	};
	return { user };
};
