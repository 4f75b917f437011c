import type Stripe from 'stripe';
import { authorizeCard } from './cards';
import { expireDueSessions, payByCard, startDelayedPayment } from './checkout';
import type { Emulator } from './emulator';
import type { FormObject } from './form';
import { renderCheckoutPage, renderNotice } from './page';

/** A page, with the merchant URLs its forms may lead to (see `pageHeaders`), or a redirect. */
export type PageReply =
	{ status: number; html: string; returnUrls?: (string | null)[] } | { redirect: string };

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const COUNTRY = /^[A-Z]{2}$/;

/** Checkout asks a card payer for the billing country (and a US postal code it does not keep here). */
function billingAddress(country: string): Stripe.Address {
	return { city: null, country, line1: null, line2: null, postal_code: null, state: null };
}

/** `GET /checkout/pay/:id`: the payment form, or the state a closed session is in. */
export function showCheckout(emulator: Emulator, sessionId: string): PageReply {
	const { session, closed } = findOpenSession(emulator, sessionId);
	if (!session) return closed;
	return checkoutForm(emulator, session, 200, '', null);
}

/**
 * `POST /checkout/pay/:id`: pays with `card_number` (or `delayed=1`), billed to `country` (default
 * US), and redirects to the success URL.
 */
export function submitCheckout(emulator: Emulator, sessionId: string, form: FormObject): PageReply {
	const { session, closed } = findOpenSession(emulator, sessionId);
	if (!session) return closed;
	const typedEmail = field(form, 'email').trim();
	const email = prefilledEmail(emulator, session) ?? (typedEmail || null);
	if (email && !EMAIL.test(email))
		return checkoutForm(emulator, session, 400, typedEmail, 'Your email address is invalid.');
	const country = (field(form, 'country').trim() || 'US').toUpperCase();
	if (!COUNTRY.test(country))
		return checkoutForm(emulator, session, 400, typedEmail, 'Your country is invalid.');
	const payer = { email, address: billingAddress(country) };
	if (field(form, 'delayed') !== '') {
		startDelayedPayment(emulator, session, payer);
		return completed(session);
	}
	const outcome = authorizeCard(field(form, 'card_number'), field(form, 'expiry'));
	if (outcome.kind === 'invalid')
		return checkoutForm(emulator, session, 400, typedEmail, outcome.message);
	const failure = outcome.kind === 'declined' ? outcome.failure : null;
	payByCard(emulator, session, payer, outcome.card, failure);
	return failure
		? checkoutForm(emulator, session, 402, typedEmail, failure.message)
		: completed(session);
}

/** `POST /checkout/pay/:id/cancel`: back to the merchant's `cancel_url`. */
export function cancelCheckout(emulator: Emulator, sessionId: string): PageReply {
	const { session, closed } = findOpenSession(emulator, sessionId);
	if (!session) return closed;
	if (!session.cancel_url)
		return {
			status: 404,
			html: renderNotice('Nothing to cancel', 'This session has no cancel URL.')
		};
	return { redirect: session.cancel_url };
}

type Lookup =
	{ session: Stripe.Checkout.Session; closed?: never } | { session?: never; closed: PageReply };

function findOpenSession(emulator: Emulator, sessionId: string): Lookup {
	expireDueSessions(emulator);
	const session = emulator.store.sessions.get(sessionId);
	if (!session) {
		return {
			closed: {
				status: 404,
				html: renderNotice('Page not found', 'This Checkout Session does not exist.')
			}
		};
	}
	if (session.status === 'expired') {
		const html = renderNotice(
			'Session expired',
			'This Checkout Session has expired. Return to the merchant to start again.'
		);
		return { closed: { status: 410, html } };
	}
	if (session.status === 'complete') {
		const link = session.success_url
			? { href: successUrl(session), text: 'Return to the merchant' }
			: null;
		return {
			closed: {
				status: 409,
				html: renderNotice('Payment complete', 'This Checkout Session is already complete.', link)
			}
		};
	}
	return { session };
}

function completed(session: Stripe.Checkout.Session): PageReply {
	if (session.success_url) return { redirect: successUrl(session) };
	return {
		status: 200,
		html: renderNotice('Thanks for your payment', 'Your payment is complete.')
	};
}

function successUrl(session: Stripe.Checkout.Session): string {
	return (session.success_url ?? '').replaceAll('{CHECKOUT_SESSION_ID}', session.id);
}

function checkoutForm(
	emulator: Emulator,
	session: Stripe.Checkout.Session,
	status: number,
	email: string,
	error: string | null
): PageReply {
	const lineItems = emulator.store.lineItems.get(session.id) ?? [];
	const html = renderCheckoutPage({
		session,
		lineItems,
		prefilledEmail: prefilledEmail(emulator, session),
		email,
		error
	});
	return { status, html, returnUrls: [session.success_url, session.cancel_url] };
}

function prefilledEmail(emulator: Emulator, session: Stripe.Checkout.Session): string | null {
	if (session.customer_email) return session.customer_email;
	const customer =
		typeof session.customer === 'string'
			? emulator.store.customers.get(session.customer)
			: undefined;
	return customer?.email ?? null;
}

function field(form: FormObject, name: string): string {
	const value = form[name];
	return typeof value === 'string' ? value : '';
}
