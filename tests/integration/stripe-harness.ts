import Stripe from 'stripe';
import { startEmulator, type RunningEmulator } from '../../tools/stripe-emulator/server';
import { createStripeClient } from '../../src/lib/server/stripe/client';

export type Harness = {
	emulator: RunningEmulator;
	stripe: Stripe;
	control(path: string, body?: Record<string, string | number | boolean>): Promise<unknown>;
};

/** An emulator on a free port and a real `stripe` client pointed at it. */
export async function startStripe(
	options: { webhookUrl?: string; webhookSecret?: string } = {}
): Promise<Harness> {
	const emulator = await startEmulator({ port: 0, retryDelaysMs: [50, 100, 200], ...options });
	const stripe = createStripeClient({
		stripeSecretKey: 'sk_test_integration',
		stripeApiUrl: emulator.url
	});
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
	return { emulator, stripe, control };
}
