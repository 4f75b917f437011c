import type Stripe from 'stripe';
import { z } from 'zod';
import type { ApiRoute } from '../api';
import { expandObject } from '../expand';
import { createId, nowSeconds } from '../ids';
import { expand, listParams, mergeMetadata, metadata, parseParams } from '../params';
import { route } from '../router';
import { listRoute, retrieveRoute } from './routes';

const editableParams = z.strictObject({
	email: z.string().optional(),
	name: z.string().optional(),
	description: z.string().optional(),
	phone: z.string().optional(),
	metadata: metadata.optional(),
	expand
});
const listFilters = z.strictObject({ ...listParams, email: z.string().optional() });

export const customerRoutes: ApiRoute[] = [
	route('POST', '/v1/customers', ({ emulator: { store, changed }, input }) => {
		const params = parseParams(editableParams, input);
		const customer = store.customers.insert(buildCustomer(null));
		applyCustomerChanges(customer, params);
		changed();
		return expandObject(store, customer, params.expand);
	}),
	retrieveRoute('/v1/customers/:id', (store) => store.customers),
	route('POST', '/v1/customers/:id', ({ emulator: { store, changed }, params, input }) => {
		const customer = store.customers.require(params.id);
		const changes = parseParams(editableParams, input);
		applyCustomerChanges(customer, changes);
		changed();
		return expandObject(store, customer, changes.expand);
	}),
	listRoute('/v1/customers', 'customer', listFilters, (store, filters) =>
		store.customers
			.newestFirst()
			.filter((customer) => filters.email === undefined || customer.email === filters.email)
	)
];

function applyCustomerChanges(
	customer: Stripe.Customer,
	changes: z.output<typeof editableParams>
): void {
	if (changes.email !== undefined) customer.email = changes.email || null;
	if (changes.name !== undefined) customer.name = changes.name || null;
	if (changes.description !== undefined) customer.description = changes.description || null;
	if (changes.phone !== undefined) customer.phone = changes.phone || null;
	customer.metadata = mergeMetadata(customer.metadata, changes.metadata);
}

export function buildCustomer(email: string | null): Stripe.Customer {
	return {
		id: createId('cus', 14),
		object: 'customer',
		address: null,
		balance: 0,
		created: nowSeconds(),
		currency: null,
		default_source: null,
		delinquent: false,
		description: null,
		discount: null,
		email,
		invoice_prefix: createId('x', 8).slice(2).toUpperCase(),
		invoice_settings: {
			custom_fields: null,
			default_payment_method: null,
			footer: null,
			rendering_options: null
		},
		livemode: false,
		metadata: {},
		name: null,
		next_invoice_sequence: 1,
		phone: null,
		preferred_locales: [],
		shipping: null,
		tax_exempt: 'none',
		test_clock: null
	};
}
