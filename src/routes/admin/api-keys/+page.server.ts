import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import {
	apiKeyNameField,
	createApiKeyLogged,
	revokeApiKeyLogged
} from '$lib/server/admin/api-keys';
import { listApiKeys } from '$lib/server/api/keys';
import { requireAdmin } from '$lib/server/auth/guard';
import { getDb } from '$lib/server/db';
import { readForm } from '$lib/server/http/form';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireAdmin(event);
	return { keys: await listApiKeys(getDb()) };
};

// The id as the page writes it: z.coerce.number would also take 1e0, 0x1 or " 1 " for key 1.
const keyId = z
	.string()
	.regex(/^[1-9]\d{0,15}$/)
	.transform(Number);

export const actions: Actions = {
	create: async (event) => {
		const admin = requireAdmin(event);
		const form = await readForm(event.request);
		const typed = form.get('name');
		const name = apiKeyNameField.safeParse(typed ?? undefined);
		// Echoed back to the form, so only as text: a file part cannot be serialized (a 500).
		const echo = typeof typed === 'string' ? typed : null;
		if (!name.success)
			return fail(400, { create: { error: name.error.issues[0].message, name: echo } });
		return { create: { created: await createApiKeyLogged(getDb(), admin, name.data) } };
	},
	revoke: async (event) => {
		const admin = requireAdmin(event);
		const form = await readForm(event.request);
		const id = keyId.safeParse(form.get('id'));
		if (!id.success) return fail(400, { revoke: { id: null, error: 'Choose a key to revoke.' } });
		if (form.get('confirm') !== 'yes')
			return {
				revoke: { id: id.data, preview: 'Revoke this key? Requests with it fail at once.' }
			};
		const result = await revokeApiKeyLogged(getDb(), admin, id.data);
		if (!result.ok)
			return fail(result.reason === 'not_found' ? 404 : 409, {
				revoke: { id: id.data, error: result.message }
			});
		return { revoke: { id: id.data, message: result.message } };
	}
};
