import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { listMismatchedPurchases, resolveMismatch } from '$lib/server/admin/purchases';
import { listUsers, promoteToAdmin } from '$lib/server/admin/users';
import { requireAdmin } from '$lib/server/auth/guard';
import { getDb } from '$lib/server/db';
import { readForm } from '$lib/server/http/form';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => {
	requireAdmin(event);
	const db = getDb();
	return { users: listUsers(db).users, mismatches: listMismatchedPurchases(db) };
};

const promoteForm = z.object({ userId: z.string().min(1) });

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
	promote: async (event) => {
		requireAdmin(event);
		const parsed = promoteForm.safeParse(Object.fromEntries(await readForm(event.request)));
		if (!parsed.success)
			return fail(400, { promote: { message: 'Choose an account to promote.' } });
		if (!promoteToAdmin(getDb(), parsed.data.userId))
			return fail(404, { promote: { message: 'No such account.' } });
		return { promote: { message: 'Account promoted to admin.' } };
	},
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
		const result = resolveMismatch(getDb(), parsed.data.purchaseId, {
			decision,
			reason,
			adminId: admin.id
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
