import type Stripe from 'stripe';
import { z } from 'zod';
import type { ApiRoute } from '../api';
import { requireCurrency } from '../currencies';
import { invalidRequest } from '../errors';
import { expandObject } from '../expand';
import { createId, nowSeconds } from '../ids';
import {
	boolean,
	expand,
	integer,
	listParams,
	mergeMetadata,
	metadata,
	parseParams,
	text
} from '../params';
import { route } from '../router';
import type { Store } from '../store';
import { listRoute, retrieveRoute } from './routes';

const editable = {
	active: boolean.optional(),
	lookup_key: z.string().optional(),
	transfer_lookup_key: boolean.optional(),
	nickname: z.string().optional(),
	metadata: metadata.optional(),
	expand
};

const createParams = z.strictObject({
	...editable,
	currency: text,
	product: text,
	unit_amount: integer.pipe(z.number().min(0))
});
const updateParams = z.strictObject(editable);
const listFilters = z.strictObject({
	...listParams,
	active: boolean.optional(),
	product: text.optional(),
	currency: text.optional(),
	lookup_keys: z.array(z.string()).max(10).optional()
});

export const priceRoutes: ApiRoute[] = [
	route('POST', '/v1/prices', ({ emulator: { store, changed }, input }) => {
		const params = parseParams(createParams, input);
		store.products.require(params.product, 'product');
		const price = buildPrice(params.product, params.unit_amount, requireCurrency(params.currency));
		applyPriceChanges(store, price, params);
		store.prices.insert(price);
		changed();
		return expandObject(store, price, params.expand);
	}),
	retrieveRoute('/v1/prices/:id', (store) => store.prices),
	route('POST', '/v1/prices/:id', ({ emulator: { store, changed }, params, input }) => {
		const price = store.prices.require(params.id);
		const changes = parseParams(updateParams, input);
		applyPriceChanges(store, price, changes);
		changed();
		return expandObject(store, price, changes.expand);
	}),
	listRoute('/v1/prices', 'price', listFilters, (store, filters) =>
		store.prices
			.newestFirst()
			.filter((price) => filters.active === undefined || price.active === filters.active)
			.filter((price) => filters.product === undefined || price.product === filters.product)
			.filter((price) => filters.currency === undefined || price.currency === filters.currency)
			.filter(
				(price) =>
					!filters.lookup_keys ||
					(price.lookup_key !== null && filters.lookup_keys.includes(price.lookup_key))
			)
	)
];

function applyPriceChanges(
	store: Store,
	price: Stripe.Price,
	changes: z.output<typeof updateParams>
): void {
	if (changes.lookup_key !== undefined)
		assignLookupKey(store, price, changes.lookup_key, changes.transfer_lookup_key ?? false);
	if (changes.active !== undefined) price.active = changes.active;
	if (changes.nickname !== undefined) price.nickname = changes.nickname || null;
	price.metadata = mergeMetadata(price.metadata, changes.metadata);
}

/** A lookup key names one price; `transfer_lookup_key` moves it from the price that holds it. */
function assignLookupKey(
	store: Store,
	price: Stripe.Price,
	lookupKey: string,
	transfer: boolean
): void {
	const key = lookupKey || null;
	const holder = key
		? store.prices.newestFirst().find((other) => other.id !== price.id && other.lookup_key === key)
		: undefined;
	if (holder && !transfer)
		throw invalidRequest(`A price (\`${holder.id}\`) already uses that lookup key.`, 'lookup_key');
	if (holder) holder.lookup_key = null;
	price.lookup_key = key;
}

function buildPrice(product: string, unitAmount: number, currency: string): Stripe.Price {
	return {
		id: createId('price'),
		object: 'price',
		active: true,
		billing_scheme: 'per_unit',
		created: nowSeconds(),
		currency,
		custom_unit_amount: null,
		livemode: false,
		lookup_key: null,
		metadata: {},
		nickname: null,
		product,
		recurring: null,
		tax_behavior: 'unspecified',
		tiers_mode: null,
		transform_quantity: null,
		type: 'one_time',
		unit_amount: unitAmount,
		// The wire carries a decimal string; only the client turns it into its Decimal class.
		unit_amount_decimal: String(unitAmount) as unknown as Stripe.Decimal
	};
}
