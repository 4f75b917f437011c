import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from './server';

export const WEBHOOK_SECRET = 'whsec_test_emulator_secret';
/** The one key the test emulator's account accepts. */
export const SECRET_KEY = 'sk_test_emulator';

export interface ReceivedWebhook {
	headers: IncomingHttpHeaders;
	body: string;
}

/** A local endpoint that records every delivery and answers with `respond`'s status. */
export async function startWebhookReceiver(
	respond: (body: string, index: number) => number | Promise<number> = () => 200
) {
	const received: ReceivedWebhook[] = [];
	const server = createServer(async (request, response) => {
		const chunks: Buffer[] = [];
		for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
		const body = Buffer.concat(chunks).toString('utf8');
		received.push({ headers: request.headers, body });
		const status = await respond(body, received.length - 1);
		if (!response.destroyed) response.writeHead(status).end();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/webhooks`,
		received,
		types: () => received.map((delivery) => (JSON.parse(delivery.body) as Stripe.Event).type),
		close: () => {
			server.closeAllConnections();
			return new Promise<void>((resolve) => server.close(() => resolve()));
		}
	};
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;

export function connectStripe(emulator: RunningEmulator, key = SECRET_KEY): Stripe {
	return new Stripe(key, {
		host: '127.0.0.1',
		port: emulator.port,
		protocol: 'http'
	});
}

export async function startTestEmulator(options: EmulatorOptions = {}) {
	const emulator = await startEmulator({
		port: 0,
		webhookSecret: WEBHOOK_SECRET,
		secretKeys: [SECRET_KEY],
		...options
	});
	return { emulator, stripe: connectStripe(emulator) };
}

export async function waitFor(check: () => boolean, timeoutMs = 5_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

export async function createPrice(
	stripe: Stripe,
	unitAmount = 999,
	currency = 'usd',
	name = '100 credits'
) {
	const product = await stripe.products.create({ name });
	return stripe.prices.create({ product: product.id, unit_amount: unitAmount, currency });
}

export async function createSession(
	stripe: Stripe,
	price: Stripe.Price,
	extra: Stripe.Checkout.SessionCreateParams = {}
) {
	return stripe.checkout.sessions.create({
		mode: 'payment',
		line_items: [{ price: price.id, quantity: 1 }],
		success_url: 'http://127.0.0.1:9/success?session_id={CHECKOUT_SESSION_ID}',
		cancel_url: 'http://127.0.0.1:9/cancel',
		...extra
	});
}

/** Submits the hosted page the way a browser form would, without following the redirect. */
export function submitPayment(
	sessionUrl: string,
	fields: Record<string, string>
): Promise<Response> {
	return fetch(sessionUrl, {
		method: 'POST',
		body: new URLSearchParams(fields),
		redirect: 'manual'
	});
}

export function control(
	emulator: RunningEmulator,
	path: string,
	body: Record<string, string> = {}
): Promise<Response> {
	return fetch(`${emulator.url}/_emulator/${path}`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify(body)
	});
}

/** A form-encoded POST with the test key, for the bytes a Stripe client would never send. */
export function rawPost(
	emulator: RunningEmulator,
	path: string,
	body: string,
	headers: Record<string, string> = {}
): Promise<Response> {
	return fetch(`${emulator.url}${path}`, {
		method: 'POST',
		headers: {
			Authorization: `Bearer ${SECRET_KEY}`,
			'Content-Type': 'application/x-www-form-urlencoded',
			...headers
		},
		body
	});
}
