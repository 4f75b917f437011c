import { fail } from '@sveltejs/kit';
import { webhookEventTypes } from '$lib/types';
import { requireAdmin } from '$lib/server/auth/guard';
import { getDb } from '$lib/server/db';
import { readForm } from '$lib/server/http/form';
import { listEndpoints } from '$lib/server/webhooks/deliveries';
import { parseEndpointForm } from '$lib/server/webhooks/endpoint-form';
import { createEndpoint } from '$lib/server/webhooks/endpoints';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireAdmin(event);
	return { endpoints: await listEndpoints(getDb()), eventTypes: webhookEventTypes };
};

export const actions: Actions = {
	create: async (event) => {
		const admin = requireAdmin(event);
		const parsed = parseEndpointForm(await readForm(event.request, { repeatable: ['eventTypes'] }));
		if (!parsed.ok) return fail(400, { create: { values: parsed.values, errors: parsed.errors } });
		const created = await createEndpoint(getDb(), admin, parsed.input);
		return {
			create: {
				values: {},
				errors: {},
				created: { endpointId: created.endpointId, url: parsed.input.url, secret: created.secret }
			}
		};
	}
};
