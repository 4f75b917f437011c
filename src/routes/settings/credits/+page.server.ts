import { fail, redirect } from '@sveltejs/kit';
import { requireUser } from '$lib/server/auth/guard';
import { retryAfterHeader } from '$lib/server/auth/rate-limit';
import { z } from 'zod';
import { balanceDependency } from '$lib/credits/balance';
import { activePackages } from '$lib/credits/packages';
import { getLedger } from '$lib/server/app-ledger';
import { readCreditsOverview } from '$lib/server/customer-balance';
import { getDb } from '$lib/server/db';
import { recentTransfers } from '$lib/server/history';
import { readForm } from '$lib/server/http/form';
import { listUserPurchases } from '$lib/server/purchases';
import { startCheckout, type CheckoutResult } from '$lib/server/stripe/checkout';
import { getStripe } from '$lib/server/stripe/client';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	event.depends(balanceDependency);
	return {
		balance: await readCreditsOverview(getLedger(), user.id),
		packages: activePackages,
		purchases: await listUserPurchases(getDb(), user.id, 10),
		recent: await recentTransfers(getLedger(), user.id),
		cancelled: event.url.searchParams.get('checkout') === 'cancelled'
	};
};

const failureStatus: Record<Extract<CheckoutResult, { ok: false }>['code'], number> = {
	unknown_package: 400,
	price_not_synced: 400,
	rate_limited: 429,
	stripe_error: 502
};

const buyForm = z.object({
	packageId: z.string({ error: 'Choose a package.' }).trim().min(1, 'Choose a package.')
});

export const actions: Actions = {
	buy: async (event) => {
		const user = requireUser(event);
		const parsed = buyForm.safeParse(Object.fromEntries(await readForm(event.request)));
		if (!parsed.success)
			return fail(400, { buy: { packageId: null, message: parsed.error.issues[0].message } });

		const result = await startCheckout(
			getDb(),
			getStripe(),
			user,
			parsed.data.packageId,
			event.url.origin
		);
		if (!result.ok) {
			if (result.code === 'rate_limited') event.setHeaders(retryAfterHeader(result.retryAfterMs));
			return fail(failureStatus[result.code], {
				buy: { packageId: parsed.data.packageId, message: result.message }
			});
		}
		redirect(303, result.url);
	}
};
