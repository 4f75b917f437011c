import type Stripe from 'stripe';
import { z } from 'zod';
import type { ApiContext, ApiRoute } from '../api';
import { expireDueSessions, expireSession } from '../checkout';
import { requireMinimumCharge } from '../currencies';
import { invalidRequest } from '../errors';
import { expandList, expandObject } from '../expand';
import { createId, nowSeconds } from '../ids';
import { listObjects } from '../list';
import { buildCheckoutSession } from '../objects/checkout-session';
import { expand, integer, listParams, mergeMetadata, metadata, parseParams, text } from '../params';
import { route } from '../router';
import type { Store } from '../store';
import { listRoute } from './routes';

const MIN_EXPIRY_SECONDS = 30 * 60;
const MAX_EXPIRY_SECONDS = 24 * 60 * 60;
/** Callers compute `expires_at` from their own clock a moment before the request arrives. */
const CLOCK_SLACK_SECONDS = 60;

// Stripe sends the buyer to these addresses, so only web addresses qualify (not javascript: or data:).
const url = z.string().refine((value) => {
	const parsed = URL.parse(value.replace('{CHECKOUT_SESSION_ID}', 'id'));
	return parsed?.protocol === 'http:' || parsed?.protocol === 'https:';
}, 'Not a valid URL');

const createParams = z.strictObject({
	mode: z.enum(['payment']),
	line_items: z
		.array(z.strictObject({ price: text, quantity: integer.pipe(z.number().min(1)) }))
		.min(1),
	client_reference_id: z.string().max(200).optional(),
	customer: text.optional(),
	customer_email: z.string().optional(),
	customer_creation: z.enum(['always', 'if_required']).optional(),
	metadata: metadata.optional(),
	payment_intent_data: z
		.strictObject({ metadata: metadata.optional(), description: z.string().optional() })
		.optional(),
	payment_method_types: z.array(z.string()).optional(),
	success_url: url.optional(),
	cancel_url: url.optional(),
	expires_at: integer.optional(),
	expand
});
type CreateParams = z.output<typeof createParams>;

const listFilters = z.strictObject({
	...listParams,
	payment_intent: text.optional(),
	customer: text.optional(),
	status: z.enum(['open', 'complete', 'expired']).optional()
});
const retrieveParams = z.strictObject({ expand });

export const checkoutSessionRoutes: ApiRoute[] = [
	route('POST', '/v1/checkout/sessions', createSession),
	route('GET', '/v1/checkout/sessions/:id', ({ emulator, params, input }) => {
		const options = parseParams(retrieveParams, input);
		expireDueSessions(emulator);
		return expandObject(emulator.store, emulator.store.sessions.require(params.id), options.expand);
	}),
	route('GET', '/v1/checkout/sessions/:id/line_items', ({ emulator: { store }, params, input }) => {
		const page = parseParams(z.strictObject(listParams), input);
		store.sessions.require(params.id, 'session');
		const items = store.lineItems.get(params.id) ?? [];
		return expandList(
			store,
			listObjects(items, page, `/v1/checkout/sessions/${params.id}/line_items`, 'item'),
			page.expand
		);
	}),
	route('POST', '/v1/checkout/sessions/:id/expire', ({ emulator, params, input, origin }) => {
		const options = parseParams(retrieveParams, input);
		const session = emulator.store.sessions.require(params.id, 'session');
		expireSession(emulator, session, origin);
		return expandObject(emulator.store, session, options.expand);
	}),
	listRoute('/v1/checkout/sessions', 'checkout.session', listFilters, (store, filters) =>
		store.sessions
			.newestFirst()
			.filter(
				(session) =>
					filters.payment_intent === undefined || session.payment_intent === filters.payment_intent
			)
			.filter((session) => filters.customer === undefined || session.customer === filters.customer)
			.filter((session) => filters.status === undefined || session.status === filters.status)
	)
];

function createSession({ emulator, input }: ApiContext) {
	const { store, publicUrl } = emulator;
	const params = parseParams(createParams, input);
	checkCustomer(store, params);
	const id = createId('cs_test', 58);
	const lineItems = params.line_items.map((item, index) =>
		buildLineItem(store, item.price, item.quantity, index)
	);
	const currency = lineItems[0].currency;
	if (lineItems.some((item) => item.currency !== currency)) {
		throw invalidRequest(
			'All prices on a Checkout Session must use the same currency.',
			'line_items'
		);
	}
	const amount = lineItems.reduce((sum, item) => sum + item.amount_total, 0);
	requireMinimumCharge(amount, currency, 'line_items');
	const session = buildCheckoutSession({
		id,
		url: `${publicUrl}/checkout/pay/${id}`,
		amount,
		currency,
		customer: params.customer ?? null,
		customerEmail: params.customer_email ?? null,
		clientReferenceId: params.client_reference_id ?? null,
		customerCreation: params.customer ? null : (params.customer_creation ?? 'if_required'),
		metadata: mergeMetadata({}, params.metadata),
		paymentMethodTypes: params.payment_method_types ?? ['card'],
		successUrl: params.success_url ?? null,
		cancelUrl: params.cancel_url ?? null,
		expiresAt: checkExpiry(params.expires_at)
	});
	store.sessions.insert(session);
	store.lineItems.set(id, lineItems);
	store.sessionSettings.set(id, {
		paymentIntentMetadata: mergeMetadata({}, params.payment_intent_data?.metadata),
		paymentIntentDescription: params.payment_intent_data?.description ?? null,
		createCustomer: params.customer_creation === 'always'
	});
	emulator.changed();
	return expandObject(store, session, params.expand);
}

function checkCustomer(store: Store, params: CreateParams): void {
	if (params.customer && params.customer_email !== undefined) {
		throw invalidRequest(
			'You may only specify one of these parameters: customer, customer_email.',
			'customer_email'
		);
	}
	if (params.customer) store.customers.require(params.customer, 'customer');
}

function checkExpiry(expiresAt: number | undefined): number {
	const now = nowSeconds();
	if (expiresAt === undefined) return now + MAX_EXPIRY_SECONDS;
	if (expiresAt < now + MIN_EXPIRY_SECONDS - CLOCK_SLACK_SECONDS) {
		throw invalidRequest(
			'The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.',
			'expires_at'
		);
	}
	if (expiresAt > now + MAX_EXPIRY_SECONDS) {
		throw invalidRequest(
			'The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.',
			'expires_at'
		);
	}
	return expiresAt;
}

function buildLineItem(
	store: Store,
	priceId: string,
	quantity: number,
	index: number
): Stripe.LineItem {
	const param = `line_items[${index}][price]`;
	const price = store.prices.require(priceId, param);
	if (!price.active)
		throw invalidRequest(
			'The price specified is inactive. This field only accepts active prices.',
			param
		);
	const product = typeof price.product === 'string' ? store.products.get(price.product) : undefined;
	const amount = (price.unit_amount ?? 0) * quantity;
	return {
		id: createId('li'),
		object: 'item',
		adjustable_quantity: null,
		amount_discount: 0,
		amount_subtotal: amount,
		amount_tax: 0,
		amount_total: amount,
		currency: price.currency,
		description: product?.name ?? null,
		metadata: {},
		price: structuredClone(price),
		quantity
	};
}
