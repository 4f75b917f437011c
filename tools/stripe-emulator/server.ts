import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleApiRequest, type ApiRoute } from './api';
import { expireDueSessions } from './checkout';
import { controlRoutes, refuseForeignControl } from './control';
import type { Emulator } from './emulator';
import { ApiError } from './errors';
import { cancelCheckout, showCheckout, submitCheckout, type PageReply } from './hosted';
import { parseBody, readBody, redirect, send, sendJson } from './http';
import { createId } from './ids';
import {
	deliveryFromEnv,
	resolveDelivery,
	retryDelaysFor,
	seededRandom,
	type DeliverySettings
} from './delivery';
import { pageHeaders } from './page';
import { createSaver, loadStore } from './persistence';
import { showReceipt } from './receipt';
import { checkoutSessionRoutes } from './resources/checkout-sessions';
import { customerRoutes } from './resources/customers';
import { eventRoutes } from './resources/events';
import { paymentRoutes } from './resources/payments';
import { priceRoutes } from './resources/prices';
import { productRoutes } from './resources/products';
import { refundRoutes } from './resources/refunds';
import { matchRoute } from './router';
import { createStore } from './store';
import { WebhookDispatcher } from './webhooks';

export interface EmulatorOptions {
	/** 0 picks a free port. */
	port?: number;
	host?: string;
	webhookUrl?: string;
	/** Defaults to a random `whsec_…`, returned as `webhookSecret`. */
	webhookSecret?: string;
	/** JSON file that keeps state across restarts. */
	stateFile?: string;
	/**
	 * How webhooks are delivered; unset fields come from the environment (`STRIPE_EMULATOR_DELIVERY`,
	 * `STRIPE_EMULATOR_SEED`, `STRIPE_EMULATOR_TIME_SCALE`, `STRIPE_EMULATOR_RETRY_SCHEDULE`), then
	 * default to realistic delivery with a random seed.
	 */
	delivery?: Partial<DeliverySettings>;
	/** Real milliseconds before each retry of a failed delivery, instead of the mode's schedule. */
	retryDelaysMs?: number[];
	/** The only API keys accepted, as a Stripe account has its own; unset accepts any test key. */
	secretKeys?: string[];
	webhookTimeoutMs?: number;
	/** Base of hosted page URLs when the emulator is reached through another address. */
	publicUrl?: string;
}

export interface RunningEmulator {
	url: string;
	port: number;
	webhookSecret: string;
	delivery: DeliverySettings;
	close(): Promise<void>;
}

const API_ROUTES: ApiRoute[] = [
	...productRoutes,
	...priceRoutes,
	...customerRoutes,
	...checkoutSessionRoutes,
	...paymentRoutes,
	...refundRoutes,
	...eventRoutes
];
const EXPIRY_SWEEP_MS = 5_000;

/** Starts the offline Stripe: the REST API under `/v1`, hosted Checkout pages and `/_emulator` controls. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
	const host = options.host ?? '127.0.0.1';
	const store = createStore();
	if (options.stateFile) loadStore(store, options.stateFile);
	const saver = createSaver(store, options.stateFile);
	const webhookSecret = options.webhookSecret ?? createId('whsec', 32);
	const delivery = resolveDelivery({ ...deliveryFromEnv(), ...options.delivery });
	const webhooks = new WebhookDispatcher({
		url: options.webhookUrl,
		secret: webhookSecret,
		mode: delivery.mode,
		retryDelaysMs: options.retryDelaysMs ?? retryDelaysFor(delivery),
		timeoutMs: options.webhookTimeoutMs ?? 10_000,
		random: seededRandom(delivery.seed),
		seed: delivery.seed,
		duplicateRate: delivery.duplicateRate,
		onDelivered(eventId) {
			const event = store.events.get(eventId);
			if (event && event.pending_webhooks > 0) event.pending_webhooks = 0;
			saver.schedule();
		}
	});
	const emulator: Emulator = {
		store,
		webhooks,
		publicUrl: '',
		secretKeys: options.secretKeys ? new Set(options.secretKeys) : null,
		changed: () => saver.schedule()
	};
	const ownOrigins = new Set<string>();
	const server = createServer((request, response) => {
		handle(emulator, ownOrigins, request, response).catch((error: unknown) =>
			replyWithError(response, error)
		);
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 12111, host, resolve);
	});
	const { port } = server.address() as AddressInfo;
	const url = `http://${host}:${port}`;
	emulator.publicUrl = (options.publicUrl ?? url).replace(/\/$/, '');
	ownOrigins.add(new URL(url).origin).add(new URL(emulator.publicUrl).origin);
	const sweeper = setInterval(() => expireDueSessions(emulator), EXPIRY_SWEEP_MS);
	sweeper.unref();
	return {
		url,
		port,
		webhookSecret,
		delivery,
		async close() {
			clearInterval(sweeper);
			webhooks.close();
			saver.flush();
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	};
}

async function handle(
	emulator: Emulator,
	ownOrigins: ReadonlySet<string>,
	request: IncomingMessage,
	response: ServerResponse
): Promise<void> {
	const url = new URL(request.url ?? '/', 'http://emulator');
	const method = request.method ?? 'GET';
	if (url.pathname.startsWith('/v1/'))
		return handleApiRequest(emulator, API_ROUTES, request, response, url);
	const checkout = url.pathname.match(/^\/checkout\/pay\/([^/]+)(\/cancel)?$/);
	if (checkout) return handlePage(emulator, request, response, checkout[1], Boolean(checkout[2]));
	const receipt = url.pathname.match(/^\/receipts\/payment\/([^/]+)$/);
	if (receipt && method === 'GET') return sendPage(response, showReceipt(emulator, receipt[1]));
	const control = matchRoute(controlRoutes, method, url.pathname);
	if (control) {
		if (method === 'POST') refuseForeignControl(request.headers, ownOrigins);
		const input =
			method === 'POST' ? parseBody(await readBody(request), request.headers['content-type']) : {};
		const result = await control.handler({
			emulator,
			params: control.params,
			input,
			query: url.searchParams
		});
		return sendJson(response, 200, result);
	}
	if (url.pathname === '/' && method === 'GET')
		return sendJson(response, 200, { emulator: 'stripe', api: '/v1', control: '/_emulator' });
	throw new ApiError(
		404,
		'invalid_request_error',
		`Unrecognized request URL (${method}: ${url.pathname}).`
	);
}

async function handlePage(
	emulator: Emulator,
	request: IncomingMessage,
	response: ServerResponse,
	sessionId: string,
	cancel: boolean
) {
	let reply: PageReply;
	if (request.method === 'GET' && !cancel) reply = showCheckout(emulator, sessionId);
	else if (request.method === 'POST' && cancel) reply = cancelCheckout(emulator, sessionId);
	else if (request.method === 'POST')
		reply = submitCheckout(emulator, sessionId, parseBody(await readBody(request), undefined));
	else throw new ApiError(405, 'invalid_request_error', 'Method not allowed.');
	sendPage(response, reply);
}

function sendPage(response: ServerResponse, reply: PageReply): void {
	if ('redirect' in reply) redirect(response, reply.redirect);
	else send(response, reply.status, reply.html, pageHeaders(reply.returnUrls));
}

function replyWithError(response: ServerResponse, error: unknown): void {
	if (response.headersSent) return;
	if (error instanceof ApiError) return sendJson(response, error.status, error.toBody());
	console.error('stripe-emulator: unexpected error', error);
	sendJson(
		response,
		500,
		new ApiError(500, 'api_error', 'An unknown error occurred in the emulator.').toBody()
	);
}
