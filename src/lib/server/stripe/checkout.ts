import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { findActivePackage } from '../../credits/packages';
import { generateSecureRandomString } from '../auth/session';
import type { Db } from '../db';
import { purchases, users } from '../db/schema';
import { markPurchase } from '../purchases';
import { describeStripeError } from './client';
import { findSyncedPrice } from './prices';

export type CheckoutResult =
	| { ok: true; url: string; purchaseId: string }
	| { ok: false; code: 'unknown_package' | 'price_not_synced' | 'stripe_error'; message: string };

type Buyer = { id: string; email: string };

/** Records a pending purchase and opens a Stripe Checkout Session for it; the caller redirects to `url`. */
export async function startCheckout(db: Db, stripe: Stripe, buyer: Buyer, packageId: string, origin: string): Promise<CheckoutResult> {
	const pkg = findActivePackage(packageId);
	if (!pkg) return { ok: false, code: 'unknown_package', message: 'That package is not on sale. Choose one of the packages below.' };
	const price = findSyncedPrice(db, pkg.id);
	if (!price) return { ok: false, code: 'price_not_synced', message: `${pkg.name} cannot be bought right now: its price is not set up in Stripe yet.` };

	const purchaseId = `pur_${generateSecureRandomString()}`;
	db.insert(purchases)
		.values({ id: purchaseId, userId: buyer.id, packageId: pkg.id, credits: price.credits, amount: price.unitAmount, currency: price.currency })
		.run();
	try {
		const customer = await ensureCustomer(db, stripe, buyer);
		const metadata = { purchase_id: purchaseId, user_id: buyer.id, package_id: pkg.id };
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
		db.update(purchases).set({ checkoutSessionId: session.id, updatedAt: new Date() }).where(eq(purchases.id, purchaseId)).run();
		return { ok: true, url: session.url, purchaseId };
	} catch (error) {
		const reason = describeStripeError(error);
		markPurchase(db, purchaseId, ['pending'], 'failed', reason);
		return { ok: false, code: 'stripe_error', message: `The payment page could not be opened (${reason}). Nothing was charged; please try again.` };
	}
}

async function ensureCustomer(db: Db, stripe: Stripe, buyer: Buyer): Promise<string> {
	const row = db.select({ customerId: users.stripeCustomerId }).from(users).where(eq(users.id, buyer.id)).get();
	if (row?.customerId) return row.customerId;
	const customer = await stripe.customers.create(
		{ email: buyer.email, metadata: { user_id: buyer.id } },
		{ idempotencyKey: `customer-${buyer.id}` }
	);
	db.update(users).set({ stripeCustomerId: customer.id }).where(eq(users.id, buyer.id)).run();
	return customer.id;
}
