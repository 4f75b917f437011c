import type Stripe from 'stripe';
import type { CardFailure } from './cards';
import type { Emulator, Origin } from './emulator';
import { invalidRequest } from './errors';
import { emitEvent } from './events';
import { recordChargeFunds } from './funds';
import { nowSeconds } from './ids';
import { buildCustomerDetails } from './objects/checkout-session';
import { buildCharge, type CardDetails } from './objects/charge';
import { buildPaymentError, buildPaymentIntent } from './objects/payment-intent';
import { buildPaymentMethod } from './objects/payment-method';
import { buildCustomer } from './resources/customers';

type Session = Stripe.Checkout.Session;

/** Who pays on the hosted page: the email and the billing address Checkout collects. */
export interface Payer {
	email: string | null;
	address: Stripe.Address;
}

/** A card payment on the hosted page: approved pays the session, declined leaves it open. */
export function payByCard(
	emulator: Emulator,
	session: Session,
	payer: Payer,
	card: CardDetails,
	failure: CardFailure | null
): void {
	const intent = openPaymentIntent(emulator, session, payer.email, 'card');
	const method = savePaymentMethod(emulator, intent, payer, card);
	const charge = emulator.store.charges.insert(
		buildCharge({
			paymentIntent: intent,
			paymentMethod: method,
			publicUrl: emulator.publicUrl,
			card,
			failure
		})
	);
	intent.latest_charge = charge.id;
	if (failure) {
		intent.status = 'requires_payment_method';
		intent.last_payment_error = buildPaymentError(
			'card_error',
			failure.code,
			failure.declineCode,
			failure.message,
			charge.id
		);
		emitEvent(emulator, null, 'charge.failed', charge);
		emitEvent(emulator, null, 'payment_intent.payment_failed', intent);
		return;
	}
	succeedPaymentIntent(intent, method);
	completeSession(session, intent, payer, 'paid');
	emitEvent(emulator, null, 'charge.succeeded', charge);
	emitEvent(emulator, null, 'payment_intent.succeeded', intent);
	emitEvent(emulator, null, 'checkout.session.completed', session);
	settleChargeFunds(emulator, charge);
}

/** A bank debit: the session completes unpaid and the money arrives (or not) later. */
export function startDelayedPayment(emulator: Emulator, session: Session, payer: Payer): void {
	const intent = openPaymentIntent(emulator, session, payer.email, 'us_bank_account');
	intent.payment_method = savePaymentMethod(emulator, intent, payer, null).id;
	intent.status = 'processing';
	intent.last_payment_error = null;
	completeSession(session, intent, payer, 'unpaid');
	emitEvent(emulator, null, 'payment_intent.processing', intent);
	emitEvent(emulator, null, 'checkout.session.completed', session);
}

export function settleDelayedPayment(
	emulator: Emulator,
	session: Session,
	result: 'succeeded' | 'failed'
): void {
	const { store } = emulator;
	const intent =
		typeof session.payment_intent === 'string'
			? store.paymentIntents.get(session.payment_intent)
			: undefined;
	if (
		session.status !== 'complete' ||
		session.payment_status !== 'unpaid' ||
		intent?.status !== 'processing'
	) {
		throw invalidRequest(
			`Checkout Session ${session.id} has no delayed payment waiting to settle.`,
			'id'
		);
	}
	if (result === 'failed') {
		const message = "The customer's bank account could not be debited.";
		intent.status = 'requires_payment_method';
		intent.payment_method = null;
		intent.last_payment_error = buildPaymentError(
			'invalid_request_error',
			'payment_method_provider_decline',
			null,
			message,
			null
		);
		emitEvent(emulator, null, 'payment_intent.payment_failed', intent);
		emitEvent(emulator, null, 'checkout.session.async_payment_failed', session);
		return;
	}
	const method = store.paymentMethods.require(String(intent.payment_method), 'payment_method');
	const charge = store.charges.insert(
		buildCharge({
			paymentIntent: intent,
			paymentMethod: method,
			publicUrl: emulator.publicUrl,
			card: null,
			failure: null
		})
	);
	intent.latest_charge = charge.id;
	succeedPaymentIntent(intent, method);
	session.payment_status = 'paid';
	emitEvent(emulator, null, 'charge.succeeded', charge);
	emitEvent(emulator, null, 'payment_intent.succeeded', intent);
	emitEvent(emulator, null, 'checkout.session.async_payment_succeeded', session);
	settleChargeFunds(emulator, charge);
}

/** Expiring a session also cancels the payment intent an unpaid attempt left behind. */
export function expireSession(emulator: Emulator, session: Session, origin: Origin): void {
	if (session.status !== 'open') {
		throw invalidRequest(
			'Only Checkout Sessions with a status of `open` can be expired.',
			'session'
		);
	}
	session.status = 'expired';
	session.url = null;
	const intent =
		typeof session.payment_intent === 'string'
			? emulator.store.paymentIntents.get(session.payment_intent)
			: undefined;
	if (intent && intent.status === 'requires_payment_method') {
		intent.status = 'canceled';
		intent.canceled_at = nowSeconds();
		intent.cancellation_reason = 'abandoned';
		emitEvent(emulator, origin, 'payment_intent.canceled', intent);
	}
	emitEvent(emulator, origin, 'checkout.session.expired', session);
}

/** Stripe expires open sessions at `expires_at`; the emulator checks on access and on a timer. */
export function expireDueSessions(emulator: Emulator): void {
	const now = nowSeconds();
	for (const session of emulator.store.sessions.items.values()) {
		if (session.status === 'open' && session.expires_at <= now)
			expireSession(emulator, session, null);
	}
}

/** Checkout makes one payment intent per session when the customer first submits the page. */
function openPaymentIntent(
	emulator: Emulator,
	session: Session,
	email: string | null,
	method: string
): Stripe.PaymentIntent {
	const { store } = emulator;
	const existing =
		typeof session.payment_intent === 'string'
			? store.paymentIntents.get(session.payment_intent)
			: undefined;
	if (existing) return existing;
	const settings = store.sessionSettings.get(session.id);
	if (!session.customer && settings?.createCustomer)
		session.customer = store.customers.insert(buildCustomer(email)).id;
	const intent = buildPaymentIntent({
		amount: session.amount_total ?? 0,
		currency: session.currency ?? 'usd',
		customer: typeof session.customer === 'string' ? session.customer : null,
		description: settings?.paymentIntentDescription ?? null,
		metadata: { ...settings?.paymentIntentMetadata },
		paymentMethodType: method,
		receiptEmail: email
	});
	session.payment_intent = store.paymentIntents.insert(intent).id;
	emitEvent(emulator, null, 'payment_intent.created', intent);
	return intent;
}

/** Each attempt on the hosted page creates a payment method, as Checkout does. */
function savePaymentMethod(
	emulator: Emulator,
	intent: Stripe.PaymentIntent,
	payer: Payer,
	card: CardDetails | null
): Stripe.PaymentMethod {
	const customer = typeof intent.customer === 'string' ? intent.customer : null;
	return emulator.store.paymentMethods.insert(
		buildPaymentMethod({ card, email: payer.email, address: payer.address, customer })
	);
}

/** The balance transaction lands on the charge just after it succeeds, announced by `charge.updated`. */
function settleChargeFunds(emulator: Emulator, charge: Stripe.Charge): void {
	recordChargeFunds(emulator, charge);
	emitEvent(emulator, null, 'charge.updated', charge, { balance_transaction: null });
}

function succeedPaymentIntent(intent: Stripe.PaymentIntent, method: Stripe.PaymentMethod): void {
	intent.status = 'succeeded';
	intent.amount_received = intent.amount;
	intent.payment_method = method.id;
	intent.last_payment_error = null;
}

function completeSession(
	session: Session,
	intent: Stripe.PaymentIntent,
	payer: Payer,
	paymentStatus: 'paid' | 'unpaid'
): void {
	session.status = 'complete';
	session.payment_status = paymentStatus;
	session.payment_intent = intent.id;
	session.customer_details = buildCustomerDetails(payer.email, payer.address);
	session.url = null;
}
