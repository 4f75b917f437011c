import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { dashboardDays } from '$lib/dashboard-days';
import { loadDashboard } from '$lib/server/admin/dashboard';
import { reviewMismatch } from '$lib/server/admin/mismatch-review';
import { requireAdmin } from '$lib/server/auth/guard';
import { getDb } from '$lib/server/db';
import { readForm } from '$lib/server/http/form';
import type { Actions, PageServerLoad } from './$types';

// Any other ?days= shows the default range rather than an error: it is a view, not an input to act on.
const daysQuery = z.coerce.number().pipe(z.literal(dashboardDays)).catch(30);

export const load: PageServerLoad = async (event) => {
	requireAdmin(event);
	return await loadDashboard(getDb(), daysQuery.parse(event.url.searchParams.get('days')));
};

const resolveForm = z.object({
	purchaseId: z.string({ error: 'Choose a purchase.' }).trim().min(1, 'Choose a purchase.'),
	decision: z.enum(['credit', 'reject'], { error: 'Choose Credit or Reject.' }),
	reason: z
		.string({ error: 'Give a reason.' })
		.trim()
		.min(1, 'Give a reason.')
		.max(500, 'Keep the reason under 500 characters.')
});

export const actions: Actions = {
	resolveMismatch: async (event) => {
		const admin = requireAdmin(event);
		const form = Object.fromEntries(await readForm(event.request));
		const purchaseId = typeof form.purchaseId === 'string' ? form.purchaseId : null;
		const parsed = resolveForm.safeParse(form);
		if (!parsed.success)
			return fail(400, {
				resolveMismatch: { purchaseId, message: parsed.error.issues[0].message }
			});

		const { decision, reason } = parsed.data;
		const result = await reviewMismatch(getDb(), admin, parsed.data.purchaseId, {
			decision,
			reason
		});
		if (!result.ok)
			return fail(result.code === 'purchase_not_found' ? 404 : 409, {
				resolveMismatch: { purchaseId, message: result.message }
			});
		const message =
			result.status === 'paid'
				? `Credited ${result.credits} credits.`
				: 'Purchase rejected; no credits added. Refund the payment in Stripe.';
		return { resolveMismatch: { purchaseId, message } };
	}
};
