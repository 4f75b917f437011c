import type Stripe from 'stripe';
import { z } from 'zod';
import type { ApiContext, ApiRoute } from '../api';
import { ApiError, invalidRequest } from '../errors';
import { emitEvent } from '../events';
import { expandObject } from '../expand';
import { recordRefundFunds } from '../funds';
import { formatAmount } from '../money';
import { buildRefund } from '../objects/refund';
import { expand, integer, listParams, mergeMetadata, metadata, parseParams, text } from '../params';
import { route } from '../router';
import type { Store } from '../store';
import { listRoute, retrieveRoute } from './routes';

const createParams = z.strictObject({
	charge: text.optional(),
	payment_intent: text.optional(),
	amount: integer.pipe(z.number().min(1)).optional(),
	reason: z.enum(['duplicate', 'fraudulent', 'requested_by_customer']).optional(),
	metadata: metadata.optional(),
	expand
});
const listFilters = z.strictObject({
	...listParams,
	charge: text.optional(),
	payment_intent: text.optional()
});

export const refundRoutes: ApiRoute[] = [
	route('POST', '/v1/refunds', createRefund),
	retrieveRoute('/v1/refunds/:id', (store) => store.refunds),
	listRoute('/v1/refunds', 'refund', listFilters, (store, filters) =>
		store.refunds
			.newestFirst()
			.filter((refund) => filters.charge === undefined || refund.charge === filters.charge)
			.filter(
				(refund) =>
					filters.payment_intent === undefined || refund.payment_intent === filters.payment_intent
			)
	)
];

/** Full or partial; the charge keeps the running `amount_refunded`. */
function createRefund({ emulator, input, origin }: ApiContext) {
	const { store } = emulator;
	const params = parseParams(createParams, input);
	const charge = findRefundableCharge(store, params.charge, params.payment_intent);
	const remaining = charge.amount - charge.amount_refunded;
	if (remaining === 0) {
		throw invalidRequest(
			`Charge ${charge.id} has already been refunded.`,
			undefined,
			'charge_already_refunded'
		);
	}
	const amount = params.amount ?? remaining;
	if (amount > remaining) {
		const message = `Refund amount (${formatAmount(amount, charge.currency)}) is greater than unrefunded amount on charge (${formatAmount(remaining, charge.currency)})`;
		throw invalidRequest(message, 'amount', 'amount_too_large');
	}
	const refund = store.refunds.insert(
		buildRefund({
			charge,
			amount,
			reason: params.reason ?? null,
			metadata: mergeMetadata({}, params.metadata)
		})
	);
	recordRefundFunds(emulator, refund);
	charge.amount_refunded += amount;
	charge.refunded = charge.amount_refunded === charge.amount;
	emitEvent(emulator, origin, 'refund.created', refund);
	emitEvent(emulator, origin, 'charge.refunded', charge);
	return expandObject(store, refund, params.expand);
}

function findRefundableCharge(
	store: Store,
	chargeId: string | undefined,
	intentId: string | undefined
): Stripe.Charge {
	if (!chargeId && !intentId) {
		throw new ApiError(
			400,
			'invalid_request_error',
			'One of the following params should be provided for this request: payment_intent or charge.',
			'parameter_missing',
			'charge',
			true
		);
	}
	const charge = chargeId
		? store.charges.require(chargeId, 'charge')
		: chargeOfIntent(store, intentId ?? '');
	if (intentId && charge.payment_intent !== intentId) {
		throw invalidRequest(
			`Charge ${charge.id} does not belong to PaymentIntent ${intentId}.`,
			'charge'
		);
	}
	if (charge.status !== 'succeeded') {
		throw invalidRequest(`Charge ${charge.id} did not succeed and cannot be refunded.`, 'charge');
	}
	if (charge.disputed) {
		throw invalidRequest(
			`Charge ${charge.id} has been charged back; cannot issue a refund.`,
			undefined,
			'charge_disputed'
		);
	}
	return charge;
}

function chargeOfIntent(store: Store, intentId: string): Stripe.Charge {
	const intent = store.paymentIntents.require(intentId, 'payment_intent');
	const chargeId = typeof intent.latest_charge === 'string' ? intent.latest_charge : null;
	if (intent.status !== 'succeeded' || !chargeId) {
		throw invalidRequest(
			`This PaymentIntent (${intent.id}) does not have a successful charge to refund.`,
			'payment_intent'
		);
	}
	return store.charges.require(chargeId, 'payment_intent');
}
