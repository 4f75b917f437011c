import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { packages } from '$lib/credits/packages';
import { applySync, listPackages, previewSync } from '$lib/server/admin/packages';
import { requireAdmin } from '$lib/server/auth/guard';
import { getDb } from '$lib/server/db';
import { readForm } from '$lib/server/http/form';
import { getStripe } from '$lib/server/stripe/client';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireAdmin(event);
	return { packages: await listPackages(getDb(), packages) };
};

// Anything but confirm=yes only previews, as `npm run stripe:sync -- --dry-run` does.
const syncForm = z.object({ confirm: z.string().optional() });

export const actions: Actions = {
	sync: async (event) => {
		const admin = requireAdmin(event);
		const parsed = syncForm.safeParse(Object.fromEntries(await readForm(event.request)));
		if (!parsed.success) return fail(400, { sync: { message: 'Send the form from this page.' } });
		const outcome =
			parsed.data.confirm === 'yes'
				? await applySync(getDb(), getStripe(), admin, packages)
				: await previewSync(getStripe(), packages);
		if (!outcome.ok) return fail(502, { sync: { message: outcome.message } });
		return { sync: { applied: outcome.applied, changes: outcome.changes } };
	}
};
