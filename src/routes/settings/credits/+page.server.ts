import { error, fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { activePackages } from '$lib/credits/packages';
import { getLedger } from '$lib/server/credits';
import { getDb } from '$lib/server/db';
import { listUserPurchases } from '$lib/server/purchases';
import { startCheckout, type CheckoutResult } from '$lib/server/stripe/checkout';
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

const failureStatus: Record<Extract<CheckoutResult, { ok: false }>['code'], number> = {
	unknown_package: 400,
	price_not_synced: 400,
	rate_limited: 429,
	stripe_error: 502
};

const buyForm = z.object({ packageId: z.string({ error: 'Choose a package.' }).trim().min(1, 'Choose a package.') });

export const actions: Actions = {
	buy: async ({ locals, request, url }) => {
		const user = locals.user ?? error(401, 'Sign in to buy credits.');
		const parsed = buyForm.safeParse(Object.fromEntries(await request.formData()));
		if (!parsed.success) return fail(400, { buy: { packageId: null, message: parsed.error.issues[0].message } });

		const result = await startCheckout(getDb(), getStripe(), user, parsed.data.packageId, url.origin);
		if (!result.ok) return fail(failureStatus[result.code], { buy: { packageId: parsed.data.packageId, message: result.message } });
		redirect(303, result.url);
	}
};
