import type Stripe from 'stripe';
import { resourceMissing } from './errors';

/** One kind of Stripe object, kept in creation order. */
export class Collection<T extends { id: string }> {
	readonly items = new Map<string, T>();

	constructor(readonly kind: string) {}

	get(id: string): T | undefined {
		return this.items.get(id);
	}

	require(id: string, param = 'id'): T {
		const item = this.items.get(id);
		if (!item) throw resourceMissing(this.kind, id, param);
		return item;
	}

	insert(item: T): T {
		this.items.set(item.id, item);
		return item;
	}

	/** Newest first, as Stripe lists objects. */
	newestFirst(): T[] {
		return [...this.items.values()].reverse();
	}

	/** Loads objects saved by `saveStore`, which wrote exactly this collection's items. */
	restore(items: unknown[]): void {
		this.items.clear();
		for (const item of items as T[]) this.items.set(item.id, item);
	}
}

/** What a Checkout Session needs at payment time that Stripe does not show on the session. */
export interface SessionSettings {
	paymentIntentMetadata: Record<string, string>;
	paymentIntentDescription: string | null;
	createCustomer: boolean;
}

export interface SavedResponse {
	savedAt: number;
	fingerprint: string;
	status: number;
	body: string;
	requestId: string;
}

export function createStore() {
	return {
		products: new Collection<Stripe.Product>('product'),
		prices: new Collection<Stripe.Price>('price'),
		customers: new Collection<Stripe.Customer>('customer'),
		sessions: new Collection<Stripe.Checkout.Session>('checkout.session'),
		paymentIntents: new Collection<Stripe.PaymentIntent>('payment_intent'),
		charges: new Collection<Stripe.Charge>('charge'),
		refunds: new Collection<Stripe.Refund>('refund'),
		disputes: new Collection<Stripe.Dispute>('dispute'),
		paymentMethods: new Collection<Stripe.PaymentMethod>('payment_method'),
		balanceTransactions: new Collection<Stripe.BalanceTransaction>('balance_transaction'),
		events: new Collection<Stripe.Event>('event'),
		lineItems: new Map<string, Stripe.LineItem[]>(),
		sessionSettings: new Map<string, SessionSettings>(),
		idempotency: new Map<string, SavedResponse>()
	};
}

export type Store = ReturnType<typeof createStore>;

export type CollectionKey = {
	[K in keyof Store]: Store[K] extends Collection<{ id: string }> ? K : never;
}[keyof Store];

const PREFIXES: [string, CollectionKey][] = [
	['prod_', 'products'],
	['price_', 'prices'],
	['cus_', 'customers'],
	['cs_', 'sessions'],
	['pi_', 'paymentIntents'],
	['ch_', 'charges'],
	['re_', 'refunds'],
	['dp_', 'disputes'],
	['pm_', 'paymentMethods'],
	['txn_', 'balanceTransactions'],
	['evt_', 'events']
];

/** Finds any stored object by its id prefix (used to expand references). */
export function findObject(store: Store, id: string): { id: string } | undefined {
	const match = PREFIXES.find(([prefix]) => id.startsWith(prefix));
	return match ? store[match[1]].get(id) : undefined;
}

/** Empties every collection in place, so holders of the store see the reset. */
export function clearStore(store: Store): void {
	for (const value of Object.values(store)) {
		if (value instanceof Collection) value.items.clear();
		else value.clear();
	}
}
