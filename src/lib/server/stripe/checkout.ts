import { and, desc, eq, gt } from 'drizzle-orm';
import type Stripe from 'stripe';
import { findActivePackage } from '../../credits/packages';
import { describeRetryAfter, Throttle } from '../auth/rate-limit';
import type { Db } from '../db';
import { perform } from '../db/unit';
import { purchases, users, type Purchase, type StripePrice } from '../db/schema';
import { markPurchase } from '../purchases';
import { generateSecureRandomString } from '../random';
import { describeStripeError } from './client';
import { fulfilCheckout } from './fulfil';
import { findSyncedPrice } from './prices';
import { dayMs } from '../../time';

export type CheckoutResult =
	| { ok: true; url: string; purchaseId: string }
	| { ok: false; code: 'unknown_package' | 'price_not_synced' | 'stripe_error'; message: string }
	| { ok: false; code: 'rate_limited'; message: string; retryAfterMs: number };

type Buyer = { id: string; email: string };

const checkoutsPerTenMinutes = 10;
const checkoutThrottle = new Throttle({ limit: checkoutsPerTenMinutes, windowMs: 10 * 60 * 1000 });
// Stripe keeps a Checkout Session open for 24 hours unless told otherwise.
const sessionLifetimeMs = dayMs;
/** Sessions being created right now, by purchase id: a concurrent buy waits for the same one. */
const opening = new Map<string, Promise<CheckoutResult>>();
/** The last claim of each buyer's, which their next one waits for. */
const claiming = new Map<string, Promise<unknown>>();

/**
 * Sends the buyer to Stripe Checkout for a package: to the Checkout Session they already have open
 * for it, or else to a new one, for which a pending purchase is recorded first.
 */
export async function startCheckout(
	db: Db,
	stripe: Stripe,
	buyer: Buyer,
	packageId: string,
	origin: string
): Promise<CheckoutResult> {
	const pkg = findActivePackage(packageId);
	if (!pkg)
		return {
			ok: false,
			code: 'unknown_package',
			message: 'That package is not on sale. Choose one of the packages below.'
		};
	const price = await findSyncedPrice(db, pkg.id);
	if (!price)
		return {
			ok: false,
			code: 'price_not_synced',
			message: `${pkg.name} cannot be bought right now: its price is not set up in Stripe yet.`
		};

	// Each pass either answers or closes the purchase it found, so the next pass finds another or reserves a new one.
	for (;;) {
		const claim = await claimCheckout(db, stripe, buyer, price, origin);
		if ('checkout' in claim) return claim.checkout;
		const open = claim.purchase;
		let session: Stripe.Checkout.Session;
		try {
			session = await stripe.checkout.sessions.retrieve(claim.sessionId);
		} catch (error) {
			return stripeFailure(describeStripeError(error));
		}
		if (session.status === 'open' && session.url)
			return { ok: true, url: session.url, purchaseId: open.id };
		await closeAbandoned(db, open, session);
	}
}

type Claim = { checkout: Promise<CheckoutResult> } | { purchase: Purchase; sessionId: string };

/**
 * The checkout being opened for the buyer's open purchase, or that purchase, or else a new one
 * reserved. A buyer's claims run one at a time, so concurrent buys of a package find the same purchase.
 */
function claimCheckout(
	db: Db,
	stripe: Stripe,
	buyer: Buyer,
	price: StripePrice,
	origin: string
): Promise<Claim> {
	const claim = async (): Promise<Claim> => {
		const open = await findOpenPurchase(db, buyer.id, price);
		if (!open) return reserveCheckout(db, stripe, buyer, price, origin);
		const inFlight = opening.get(open.id);
		if (inFlight) return { checkout: inFlight };
		if (open.checkoutSessionId) return { purchase: open, sessionId: open.checkoutSessionId };
		// Read just before its session was saved, or being opened by another instance, or left by a
		// crash mid-open: the same idempotency key makes Stripe answer with that same session.
		return { checkout: track(open.id, openSession(db, stripe, buyer, price, open.id, origin)) };
	};
	const previous = claiming.get(buyer.id) ?? Promise.resolve();
	const next = previous.then(claim);
	const settled = next.catch(() => {});
	claiming.set(buyer.id, settled);
	void settled.then(() => {
		if (claiming.get(buyer.id) === settled) claiming.delete(buyer.id);
	});
	return next;
}

/** The buyer's newest pending purchase of this package at its current price that may still have an open session. */
async function findOpenPurchase(
	db: Db,
	userId: string,
	price: StripePrice
): Promise<Purchase | undefined> {
	const [open] = await db
		.select()
		.from(purchases)
		.where(
			and(
				eq(purchases.userId, userId),
				eq(purchases.packageId, price.packageId),
				eq(purchases.status, 'pending'),
				eq(purchases.amountMinor, price.unitAmount),
				eq(purchases.currency, price.currency),
				eq(purchases.credits, price.credits),
				gt(purchases.createdAt, new Date(Date.now() - sessionLifetimeMs))
			)
		)
		.orderBy(desc(purchases.createdAt))
		.limit(1);
	return open;
}

/** Records the purchase, then opens its session: a buy that finds the purchase meanwhile waits for that session. */
async function reserveCheckout(
	db: Db,
	stripe: Stripe,
	buyer: Buyer,
	price: StripePrice,
	origin: string
): Promise<Claim> {
	const waitMs = checkoutThrottle.retryAfterMs(buyer.id);
	if (waitMs > 0) {
		const message = `You have opened ${checkoutsPerTenMinutes} checkouts in the last 10 minutes. Try again in ${describeRetryAfter(waitMs)}.`;
		return {
			checkout: Promise.resolve({ ok: false, code: 'rate_limited', message, retryAfterMs: waitMs })
		};
	}
	checkoutThrottle.record(buyer.id);
	const purchaseId = `pur_${generateSecureRandomString()}`;
	await db.insert(purchases).values({
		id: purchaseId,
		userId: buyer.id,
		packageId: price.packageId,
		credits: price.credits,
		amountMinor: price.unitAmount,
		currency: price.currency
	});
	return { checkout: track(purchaseId, openSession(db, stripe, buyer, price, purchaseId, origin)) };
}

function track(purchaseId: string, session: Promise<CheckoutResult>): Promise<CheckoutResult> {
	const tracked = session.finally(() => opening.delete(purchaseId));
	opening.set(purchaseId, tracked);
	return tracked;
}

async function openSession(
	db: Db,
	stripe: Stripe,
	buyer: Buyer,
	price: StripePrice,
	purchaseId: string,
	origin: string
): Promise<CheckoutResult> {
	try {
		const customer = await ensureCustomer(db, stripe, buyer);
		const metadata = { purchase_id: purchaseId, user_id: buyer.id, package_id: price.packageId };
		const session = await stripe.checkout.sessions.create(
			{
				mode: 'payment',
				line_items: [{ price: price.priceId, quantity: 1 }],
				client_reference_id: buyer.id,
				customer,
				metadata,
				payment_intent_data: { metadata },
				success_url: `${origin}/settings/credits/success?session_id={CHECKOUT_SESSION_ID}`,
				cancel_url: `${origin}/settings/credits?checkout=cancelled`
			},
			{ idempotencyKey: `checkout-${purchaseId}` }
		);
		if (!session.url) throw new Error('Stripe returned a Checkout Session without a URL');
		await db
			.update(purchases)
			.set({ checkoutSessionId: session.id, updatedAt: new Date() })
			.where(eq(purchases.id, purchaseId));
		return { ok: true, url: session.url, purchaseId };
	} catch (error) {
		const reason = describeStripeError(error);
		await perform(db, markPurchase(db, purchaseId, ['pending'], 'failed', reason));
		return stripeFailure(reason);
	}
}

/** A session that is no longer open: a paid one is fulfilled now (its webhook may still be on the way), any other closes its purchase. */
async function closeAbandoned(db: Db, purchase: Purchase, session: Stripe.Checkout.Session) {
	if (session.status === 'complete') await fulfilCheckout(db, session);
	await perform(
		db,
		markPurchase(
			db,
			purchase.id,
			['pending'],
			'expired',
			'Its Checkout Session closed before payment'
		)
	);
}

function stripeFailure(reason: string): CheckoutResult {
	return {
		ok: false,
		code: 'stripe_error',
		message: `The payment page could not be opened (${reason}). Nothing was charged; please try again.`
	};
}

async function ensureCustomer(db: Db, stripe: Stripe, buyer: Buyer): Promise<string> {
	const [row] = await db
		.select({ customerId: users.stripeCustomerId })
		.from(users)
		.where(eq(users.id, buyer.id))
		.limit(1);
	if (row?.customerId) return row.customerId;
	const customer = await stripe.customers.create(
		{ email: buyer.email, metadata: { user_id: buyer.id } },
		{ idempotencyKey: `customer-${buyer.id}` }
	);
	await db.update(users).set({ stripeCustomerId: customer.id }).where(eq(users.id, buyer.id));
	return customer.id;
}
