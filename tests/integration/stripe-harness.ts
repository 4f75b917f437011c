import Stripe from 'stripe';
import { describeDelivery } from '../../tools/stripe-emulator/delivery';
import { startEmulator, type RunningEmulator } from '../../tools/stripe-emulator/server';
import { createStripeClient } from '../../src/lib/server/stripe/client';

export type Harness = {
	emulator: RunningEmulator;
	stripe: Stripe;
	control(path: string, body?: Record<string, string | number | boolean>): Promise<unknown>;
	/** Whether the emulator has nothing queued, on its random delay, in flight or due for retry. */
	webhooksIdle(): Promise<boolean>;
};

const secretKey = 'sk_test_integration';

/**
 * An emulator on a free port, delivering as Stripe does (realistic mode, its seed printed so a
 * failure can be replayed with STRIPE_EMULATOR_SEED), and a real `stripe` client with its key.
 */
export async function startStripe(
	options: { webhookUrl?: string; webhookSecret?: string } = {}
): Promise<Harness> {
	const emulator = await startEmulator({ port: 0, secretKeys: [secretKey], ...options });
	if (options.webhookUrl) console.info(describeDelivery(emulator.delivery));
	const stripe = createStripeClient({ stripeSecretKey: secretKey, stripeApiUrl: emulator.url });
	async function control(path: string, body: Record<string, string | number | boolean> = {}) {
		const response = await fetch(`${emulator.url}/_emulator/${path}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body)
		});
		if (!response.ok)
			throw new Error(
				`emulator control ${path} answered ${response.status}: ${await response.text()}`
			);
		return response.json();
	}
	async function webhooksIdle() {
		const response = await fetch(`${emulator.url}/_emulator/webhooks`);
		return ((await response.json()) as { idle: boolean }).idle;
	}
	return { emulator, stripe, control, webhooksIdle };
}
