import { error, fail } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { purchaseStory } from '$lib/server/admin/purchases';
import { listPurchaseRefunds, refundPurchase } from '$lib/server/admin/refunds';
import { requireAdmin } from '$lib/server/auth/guard';
import { getDb } from '$lib/server/db';
import { readForm } from '$lib/server/http/form';
import { describeStripeError, getStripe } from '$lib/server/stripe/client';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireAdmin(event);
	const story = await purchaseStory(getDb(), event.params.id);
	if (!story) error(404, 'No purchase has that id.');
	const refunds = await listPurchaseRefunds(getStripe(), story.purchase).then(
		(list) => ({ list, error: null }),
		(cause: unknown) => ({ list: [], error: describeStripeError(cause) })
	);
	// A new key per rendered form: a double click or a resubmitted form refunds once.
	return { ...story, refunds, idempotencyKey: randomUUID() };
};

const refundForm = z.object({
	amount: z
		.string()
		.trim()
		.transform((text) => (text === '' ? undefined : text))
		.pipe(
			z
				.string()
				.regex(/^\d{1,12}$/, 'Enter whole cents, e.g. 1999 for $19.99, or leave it empty.')
				.transform(Number)
				.refine((amount) => amount > 0, 'A refund must be at least 1 cent.')
				.optional()
		)
		.optional(),
	idempotencyKey: z
		.string({ error: 'Reload the page and try again.' })
		.min(1, 'Reload the page and try again.')
		.max(200, 'Reload the page and try again.')
});

export const actions: Actions = {
	refund: async (event) => {
		const admin = requireAdmin(event);
		const form = await readForm(event.request);
		const values = { amount: String(form.get('amount') ?? '') };
		const parsed = refundForm.safeParse(Object.fromEntries(form));
		if (!parsed.success) {
			const errors = Object.fromEntries(
				parsed.error.issues.map((issue) => [String(issue.path[0]), issue.message])
			);
			return fail(400, { refund: { values, errors, message: null } });
		}
		const result = await refundPurchase(getDb(), getStripe(), admin, {
			purchaseId: event.params.id,
			...parsed.data
		});
		if (!result.ok) {
			if (result.code === 'purchase_not_found') error(404, result.message);
			const errors = result.code === 'amount_too_large' ? { amount: result.message } : {};
			return fail(result.code === 'stripe_error' ? 502 : 409, {
				refund: { values, errors, message: result.message }
			});
		}
		return { refund: { values: { amount: '' }, errors: {}, message: null, done: result } };
	}
};
