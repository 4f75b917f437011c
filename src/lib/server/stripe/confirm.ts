import type Stripe from 'stripe';
import type { Db } from '../db';
import { perform } from '../db/unit';
import { findPurchaseBy } from '../purchases';
import { describeStripeError } from './client';
import { fulfilCheckout } from './fulfil';

export type Confirmation =
	| { status: 'credited'; credits: number }
	| { status: 'processing' | 'not_paid' | 'failed' | 'review' | 'rejected' }
	| { status: 'unavailable'; message: string }
	| { status: 'not_found' };

/**
 * The success page's view of a checkout: it asks Stripe for the session and fulfils it (the webhook
 * may not have arrived yet). A session that is not the signed-in user's own is reported as not found.
 */
export async function confirmCheckout(
	db: Db,
	stripe: Stripe,
	userId: string,
	sessionId: string
): Promise<Confirmation> {
	if (!/^cs_\w+$/.test(sessionId)) return { status: 'not_found' };
	const purchase = await perform(db, findPurchaseBy(db, 'checkoutSessionId', sessionId));
	if (!purchase || purchase.userId !== userId) return { status: 'not_found' };

	let session: Stripe.Checkout.Session;
	try {
		session = await stripe.checkout.sessions.retrieve(sessionId);
	} catch (error) {
		return { status: 'unavailable', message: describeStripeError(error) };
	}
	if (session.client_reference_id !== userId) return { status: 'not_found' };

	const result = await fulfilCheckout(db, session);
	switch (result.status) {
		case 'credited':
		case 'already_credited':
			return { status: 'credited', credits: result.credits };
		case 'processing':
		case 'not_paid':
			// A delayed payment that failed leaves the session as it was: only the purchase knows.
			return { status: purchase.status === 'failed' ? 'failed' : result.status };
		case 'mismatch':
		case 'needs_review':
			return { status: 'review' };
		case 'rejected':
			return { status: 'rejected' };
		case 'unknown_purchase':
			return { status: 'not_found' };
	}
}
