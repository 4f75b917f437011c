import { json } from '@sveltejs/kit';
import { getConfig } from '$lib/server/config';
import { getDb } from '$lib/server/db';
import { getStripe } from '$lib/server/stripe/client';
import { handleStripeEvent } from '$lib/server/stripe/events';
import { receiveWebhook } from '$lib/server/stripe/webhook';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async ({ request }) => {
	const payload = await request.text();
	const db = getDb();
	const { status, body } = await receiveWebhook(
		db,
		payload,
		request.headers.get('stripe-signature'),
		getConfig().stripeWebhookSecret,
		(event) => handleStripeEvent(db, getStripe(), event)
	);
	return json(body, { status });
};
