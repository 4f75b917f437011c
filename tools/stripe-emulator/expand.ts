import type Stripe from 'stripe';
import { invalidRequest } from './errors';
import { findObject, type CollectionKey, type Store } from './store';

type Json = Record<string, unknown>;

/**
 * Fields that hold references (or lists) in the objects the emulator serves, with the collection a
 * reference points into; `data` walks into lists. A product's id may be the caller's own
 * (`credits_basic`), so ids are looked up by field rather than by prefix.
 */
const EXPANDABLE: Record<string, CollectionKey | null> = {
	balance_transaction: 'balanceTransactions',
	charge: 'charges',
	customer: 'customers',
	data: null,
	default_price: 'prices',
	invoice: null,
	latest_charge: 'charges',
	line_items: null,
	payment_intent: 'paymentIntents',
	payment_link: null,
	payment_method: 'paymentMethods',
	price: 'prices',
	product: 'products',
	refunds: null,
	setup_intent: null,
	source: null,
	subscription: null
};

/**
 * Replaces ids with the objects they name along each dotted path, as `expand[]` does.
 * Lists embedded on demand (a session's `line_items`, a charge's `refunds`) are built here too.
 */
export function expandObject(store: Store, object: object, paths: string[] = []): Json {
	// Stripe objects are plain JSON records; walking them by key needs the untyped view.
	const copy = structuredClone(object) as Json;
	for (const path of paths) expandPath(store, copy, path.split('.'), path);
	return copy;
}

/** In list responses, paths start with `data.` and apply to every item. */
export function expandList<T extends object>(
	store: Store,
	list: Stripe.ApiList<T>,
	paths: string[] = []
): Json {
	for (const path of paths) if (!path.startsWith('data.')) throw cannotExpand(path);
	const itemPaths = paths.map((path) => path.slice('data.'.length));
	return { ...list, data: list.data.map((item) => expandObject(store, item, itemPaths)) };
}

function expandPath(store: Store, node: Json, [key, ...rest]: string[], path: string): void {
	if (!Object.hasOwn(EXPANDABLE, key)) throw cannotExpand(path);
	const value = node[key] === undefined ? embeddedList(store, node, key) : node[key];
	if (value === undefined) throw cannotExpand(path);
	if (value === null) return;
	const collection = EXPANDABLE[key];
	const expanded =
		typeof value !== 'string'
			? value
			: collection
				? store[collection].get(value)
				: findObject(store, value);
	if (typeof expanded !== 'object' || expanded === null) throw cannotExpand(path);
	const target = structuredClone(expanded) as Json | Json[];
	node[key] = target;
	if (rest.length === 0) return;
	for (const child of Array.isArray(target) ? target : [target])
		expandPath(store, child, rest, path);
}

function embeddedList(store: Store, node: Json, key: string): Stripe.ApiList<unknown> | undefined {
	const id = String(node.id);
	if (node.object === 'checkout.session' && key === 'line_items') {
		const data = store.lineItems.get(id) ?? [];
		return { object: 'list', data, has_more: false, url: `/v1/checkout/sessions/${id}/line_items` };
	}
	if (node.object === 'charge' && key === 'refunds') {
		const data = store.refunds.newestFirst().filter((refund) => refund.charge === id);
		return { object: 'list', data, has_more: false, url: `/v1/charges/${id}/refunds` };
	}
	return undefined;
}

function cannotExpand(path: string) {
	return invalidRequest(`This property cannot be expanded (${path}).`, 'expand');
}
