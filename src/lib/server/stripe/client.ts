import Stripe from 'stripe';
import { getConfig, type Config } from '../config';

/** One client for real Stripe and for any Stripe-compatible API (the emulator): only the base URL differs. */
export function createStripeClient(
	config: Pick<Config, 'stripeSecretKey' | 'stripeApiUrl'>
): Stripe {
	const base = config.stripeApiUrl ? new URL(config.stripeApiUrl) : undefined;
	return new Stripe(config.stripeSecretKey, {
		maxNetworkRetries: 2,
		timeout: 20_000,
		appInfo: { name: 'Credits' },
		...(base && {
			host: base.hostname,
			port: Number(base.port || (base.protocol === 'https:' ? 443 : 80)),
			protocol: base.protocol === 'https:' ? 'https' : 'http'
		})
	});
}

let shared: Stripe | undefined;

export function getStripe(): Stripe {
	shared ??= createStripeClient(getConfig());
	return shared;
}

/** A short reason for people, from an error the Stripe client threw. */
export function describeStripeError(error: unknown): string {
	if (error instanceof Stripe.errors.StripeConnectionError) return 'Stripe could not be reached';
	if (error instanceof Stripe.errors.StripeError) return `Stripe answered: ${error.message}`;
	return error instanceof Error ? error.message : String(error);
}

/** Where buyers are sent to pay: Stripe's hosted Checkout, or the Stripe-compatible server's own page. */
export function checkoutOrigin(config: Pick<Config, 'stripeApiUrl'>): string {
	return config.stripeApiUrl ? new URL(config.stripeApiUrl).origin : 'https://checkout.stripe.com';
}
