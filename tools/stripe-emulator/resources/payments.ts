import { z } from 'zod';
import type { ApiRoute } from '../api';
import { listParams, text } from '../params';
import { listRoute, retrieveRoute } from './routes';

const paymentIntentFilters = z.strictObject({ ...listParams, customer: text.optional() });
const chargeFilters = z.strictObject({
	...listParams,
	customer: text.optional(),
	payment_intent: text.optional()
});
const disputeFilters = z.strictObject({
	...listParams,
	charge: text.optional(),
	payment_intent: text.optional()
});

/**
 * Payment intents, payment methods, charges, balance transactions and disputes are created by
 * Checkout and the control endpoints; the API reads them.
 */
export const paymentRoutes: ApiRoute[] = [
	retrieveRoute('/v1/payment_intents/:id', (store) => store.paymentIntents),
	listRoute('/v1/payment_intents', 'payment_intent', paymentIntentFilters, (store, filters) =>
		store.paymentIntents
			.newestFirst()
			.filter((intent) => filters.customer === undefined || intent.customer === filters.customer)
	),
	retrieveRoute('/v1/charges/:id', (store) => store.charges),
	listRoute('/v1/charges', 'charge', chargeFilters, (store, filters) =>
		store.charges
			.newestFirst()
			.filter((charge) => filters.customer === undefined || charge.customer === filters.customer)
			.filter(
				(charge) =>
					filters.payment_intent === undefined || charge.payment_intent === filters.payment_intent
			)
	),
	retrieveRoute('/v1/payment_methods/:id', (store) => store.paymentMethods),
	retrieveRoute('/v1/balance_transactions/:id', (store) => store.balanceTransactions),
	retrieveRoute('/v1/disputes/:id', (store) => store.disputes),
	listRoute('/v1/disputes', 'dispute', disputeFilters, (store, filters) =>
		store.disputes
			.newestFirst()
			.filter((dispute) => filters.charge === undefined || dispute.charge === filters.charge)
			.filter(
				(dispute) =>
					filters.payment_intent === undefined || dispute.payment_intent === filters.payment_intent
			)
	)
];
