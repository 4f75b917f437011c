import { error, fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { activePackages } from '$lib/credits/packages';
import { getLedger } from '$lib/server/credits';
import { getDb } from '$lib/server/db';
import { readForm } from '$lib/server/http/form';
import { listUserPurchases } from '$lib/server/purchases';
import { startCheckout } from '$lib/server/stripe/checkout';
import { getStripe } from '$lib/server/stripe/client';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	const user = locals.user ?? error(401, 'Sign in to see your credits.');
	return {
		balance: getLedger().balance(user.id),
		packages: activePackages,
		purchases: listUserPurchases(getDb(), user.id, 10),
		cancelled: url.searchParams.get('checkout') === 'cancelled'
	};
};

const buyForm = z.object({ packageId: z.string({ error: 'Choose a package.' }).trim().min(1, 'Choose a package.') });

export const actions: Actions = {
	buy: async ({ locals, request, url }) => {
		const user = locals.user ?? error(401, 'Sign in to buy credits.');
		const parsed = buyForm.safeParse(Object.fromEntries(await readForm(request)));
		if (!parsed.success) return fail(400, { buy: { packageId: null, message: parsed.error.issues[0].message } });

		const result = await startCheckout(getDb(), getStripe(), user, parsed.data.packageId, url.origin);
		if (!result.ok) return fail(result.code === 'stripe_error' ? 502 : 400, { buy: { packageId: parsed.data.packageId, message: result.message } });
		redirect(303, result.url);
	}
};
