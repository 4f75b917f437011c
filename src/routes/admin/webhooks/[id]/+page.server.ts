import { error, fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { requireAdmin } from '$lib/server/auth/guard';
import { getDb } from '$lib/server/db';
import { readForm } from '$lib/server/http/form';
import { endpointLog, resendMessage } from '$lib/server/webhooks/deliveries';
import {
	deleteEndpoint,
	rotateEndpointSecret,
	setEndpointEnabled,
	type EndpointCommandResult
} from '$lib/server/webhooks/endpoints';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async (event) => {
	requireAdmin(event);
	const log = await endpointLog(getDb(), event.params.id);
	if (!log) error(404, 'No webhook endpoint has that id.');
	return log;
};

function answer(result: EndpointCommandResult) {
	if (!result.ok) error(404, result.message);
	return result;
}

/** Without `confirm=yes` the action changes nothing and asks first. */
async function confirmed(event: RequestEvent) {
	return (await readForm(event.request)).get('confirm') === 'yes';
}

const resendForm = z.object({ messageId: z.string().regex(/^msg_[a-z0-9]{1,64}$/) });

export const actions: Actions = {
	disable: async (event) => {
		const admin = requireAdmin(event);
		await readForm(event.request);
		answer(await setEndpointEnabled(getDb(), admin, event.params.id, false));
		return { status: { message: 'Disabled: nothing is recorded or sent for it until enabled.' } };
	},
	enable: async (event) => {
		const admin = requireAdmin(event);
		await readForm(event.request);
		answer(await setEndpointEnabled(getDb(), admin, event.params.id, true));
		return { status: { message: 'Enabled: new events are recorded and sent again.' } };
	},
	rotate: async (event) => {
		const admin = requireAdmin(event);
		if (!(await confirmed(event)))
			return {
				rotate: {
					preview:
						'Make a new signing secret? Deliveries are signed with it at once; the old one stops working.'
				}
			};
		const { secret } = answer(await rotateEndpointSecret(getDb(), admin, event.params.id));
		return { rotate: { secret } };
	},
	delete: async (event) => {
		const admin = requireAdmin(event);
		if (!(await confirmed(event)))
			return {
				remove: {
					preview: 'Delete this endpoint? Its waiting messages and its delivery log go with it.'
				}
			};
		answer(await deleteEndpoint(getDb(), admin, event.params.id));
		redirect(303, '/admin/webhooks');
	},
	resend: async (event) => {
		const admin = requireAdmin(event);
		const parsed = resendForm.safeParse(Object.fromEntries(await readForm(event.request)));
		if (!parsed.success) return fail(400, { resend: { error: 'Send the form from this page.' } });
		const result = await resendMessage(getDb(), admin, event.params.id, parsed.data.messageId);
		if (!result.ok) return fail(404, { resend: { error: result.message } });
		return { resend: { messageId: parsed.data.messageId } };
	}
};
