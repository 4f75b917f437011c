import { error } from '@sveltejs/kit';
import { requireUser } from '$lib/server/auth/guard';
import { getLedger } from '$lib/server/app-ledger';
import { getDb } from '$lib/server/db';
import { confirmCheckout } from '$lib/server/stripe/confirm';
import { getStripe } from '$lib/server/stripe/client';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const sessionId = event.url.searchParams.get('session_id') ?? '';
	const result = await confirmCheckout(getDb(), getStripe(), user.id, sessionId);
	if (result.status === 'not_found')
		error(
			404,
			'We could not find that checkout. If you were charged, your credits will still arrive.'
		);
	return { result, balance: await getLedger().balance(user.id) };
};
