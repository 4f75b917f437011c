import type Stripe from 'stripe';
import { z } from 'zod';
import type { ApiRoute } from '../api';
import { invalidRequest } from '../errors';
import { expandObject } from '../expand';
import { createId, nowSeconds } from '../ids';
import { boolean, expand, listParams, mergeMetadata, metadata, parseParams, text } from '../params';
import { route } from '../router';
import { listRoute, retrieveRoute } from './routes';

const editable = {
	name: text.optional(),
	active: boolean.optional(),
	description: z.string().optional(),
	images: z.array(z.string()).optional(),
	url: z.string().optional(),
	metadata: metadata.optional(),
	expand
};

const createParams = z.strictObject({ ...editable, id: text.optional(), name: text });
const updateParams = z.strictObject({ ...editable, default_price: text.optional() });
const listFilters = z.strictObject({
	...listParams,
	active: boolean.optional(),
	ids: z.array(z.string()).optional()
});

export const productRoutes: ApiRoute[] = [
	route('POST', '/v1/products', ({ emulator: { store, changed }, input }) => {
		const params = parseParams(createParams, input);
		const id = params.id ?? createId('prod', 14);
		if (store.products.get(id))
			throw invalidRequest('Product already exists.', 'id', 'resource_already_exists');
		const product = store.products.insert(buildProduct(id, params.name));
		applyProductChanges(product, params);
		changed();
		return expandObject(store, product, params.expand);
	}),
	retrieveRoute('/v1/products/:id', (store) => store.products),
	route('POST', '/v1/products/:id', ({ emulator: { store, changed }, params, input }) => {
		const product = store.products.require(params.id);
		const changes = parseParams(updateParams, input);
		if (changes.default_price !== undefined) {
			const price = store.prices.require(changes.default_price, 'default_price');
			if (price.product !== product.id)
				throw invalidRequest('The price must belong to this product.', 'default_price');
			product.default_price = price.id;
		}
		applyProductChanges(product, changes);
		changed();
		return expandObject(store, product, changes.expand);
	}),
	listRoute('/v1/products', 'product', listFilters, (store, filters) =>
		store.products
			.newestFirst()
			.filter((product) => filters.active === undefined || product.active === filters.active)
			.filter((product) => !filters.ids || filters.ids.includes(product.id))
	)
];

function applyProductChanges(
	product: Stripe.Product,
	changes: z.output<typeof updateParams>
): void {
	if (changes.name !== undefined) product.name = changes.name;
	if (changes.active !== undefined) product.active = changes.active;
	if (changes.description !== undefined) product.description = changes.description || null;
	if (changes.images !== undefined) product.images = changes.images;
	if (changes.url !== undefined) product.url = changes.url || null;
	product.metadata = mergeMetadata(product.metadata, changes.metadata);
	product.updated = nowSeconds();
}

function buildProduct(id: string, name: string): Stripe.Product {
	const created = nowSeconds();
	return {
		id,
		object: 'product',
		active: true,
		created,
		default_price: null,
		description: null,
		images: [],
		livemode: false,
		marketing_features: [],
		metadata: {},
		name,
		package_dimensions: null,
		shippable: null,
		tax_code: null,
		tax_details: null,
		type: 'service',
		updated: created,
		url: null
	};
}
