import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { settleDelayedPayment, expireSession } from './checkout';
import { closeDispute, openDispute } from './disputes';
import type { Emulator } from './emulator';
import { ApiError, invalidRequest } from './errors';
import type { FormObject } from './form';
import { integer, parseParams } from './params';
import { route, type Route } from './router';
import { clearStore } from './store';

export interface ControlContext {
	emulator: Emulator;
	params: Record<string, string>;
	input: FormObject;
	query: URLSearchParams;
}

type ControlHandler = (context: ControlContext) => unknown;

const flag = z
	.enum(['true', 'false', '1', '0', 'on', ''])
	.transform((value) => ['true', '1', 'on'].includes(value));
const disputeReason = z.enum([
	'fraudulent',
	'duplicate',
	'product_not_received',
	'product_unacceptable',
	'unrecognized',
	'credit_not_processed',
	'general'
]);

/** Test and demo hooks under `/_emulator/`; they act as Stripe, banks and cardholders would. */
export const controlRoutes: Route<ControlHandler>[] = [
	route('GET', '/_emulator/health', () => ({ ok: true })),
	route('POST', '/_emulator/reset', ({ emulator }) => {
		clearStore(emulator.store);
		emulator.webhooks.reset();
		emulator.changed();
		return { ok: true };
	}),
	route('GET', '/_emulator/events', ({ emulator, query }) => {
		const type = query.get('type');
		return {
			data: [...emulator.store.events.items.values()].filter(
				(event) => !type || event.type === type
			)
		};
	}),
	route('GET', '/_emulator/deliveries', ({ emulator, query }) => {
		const eventId = query.get('event_id');
		const data = emulator.webhooks.log.filter(
			(delivery) => !eventId || delivery.event_id === eventId
		);
		return { data, webhooks: emulator.webhooks.status };
	}),
	route('GET', '/_emulator/webhooks', ({ emulator }) => emulator.webhooks.status),
	route('POST', '/_emulator/webhooks/pause', ({ emulator }) => {
		emulator.webhooks.pause();
		return emulator.webhooks.status;
	}),
	route('POST', '/_emulator/webhooks/resume', async ({ emulator, input }) => {
		const { shuffle } = parseParams(z.object({ shuffle: flag.optional() }), input);
		const deliveries = await emulator.webhooks.resume(shuffle ?? false);
		return { deliveries, webhooks: emulator.webhooks.status };
	}),
	route('POST', '/_emulator/events/:id/resend', async ({ emulator, params }) => {
		const event = findDeliverableEvent(emulator, params.id);
		return { delivery: await emulator.webhooks.send(event) };
	}),
	route('POST', '/_emulator/events/:id/duplicate', async ({ emulator, params, input }) => {
		const event = findDeliverableEvent(emulator, params.id);
		const { count } = parseParams(
			z.object({ count: integer.pipe(z.number().min(1).max(50)).optional() }),
			input
		);
		const copies = Array.from({ length: count ?? 2 }, () => emulator.webhooks.send(event));
		return { deliveries: await Promise.all(copies) };
	}),
	route('POST', '/_emulator/charges/:id/dispute', ({ emulator, params, input }) => {
		const options = z.object({ amount: integer.optional(), reason: disputeReason.optional() });
		const { amount, reason } = parseParams(options, input);
		return openDispute(
			emulator,
			emulator.store.charges.require(params.id),
			amount,
			reason ?? 'fraudulent'
		);
	}),
	route('POST', '/_emulator/disputes/:id/close', ({ emulator, params, input }) => {
		const { status } = parseParams(z.object({ status: z.enum(['won', 'lost']) }), input);
		return closeDispute(emulator, emulator.store.disputes.require(params.id), status);
	}),
	route('POST', '/_emulator/checkout/sessions/:id/async_payment', ({ emulator, params, input }) => {
		const { result } = parseParams(z.object({ result: z.enum(['succeeded', 'failed']) }), input);
		const session = emulator.store.sessions.require(params.id);
		settleDelayedPayment(emulator, session, result);
		return session;
	}),
	route('POST', '/_emulator/checkout/sessions/:id/expire', ({ emulator, params }) => {
		const session = emulator.store.sessions.require(params.id);
		expireSession(emulator, session, null);
		return session;
	})
];

/**
 * Control POSTs pay, dispute and reset, so a page on another site must not be able to send one. A
 * browser sends JSON to another origin only after a preflight, which the emulator never grants, and
 * names the sending page in `Origin` and `Sec-Fetch-Site`; scripts and curl send neither.
 */
export function refuseForeignControl(
	headers: IncomingHttpHeaders,
	ownOrigins: ReadonlySet<string>
): void {
	const { origin } = headers;
	const site = headers['sec-fetch-site'];
	if (origin !== undefined && !ownOrigins.has(origin))
		throw forbidden(`requests from ${origin} are refused`);
	if (site === 'cross-site' || site === 'same-site')
		throw forbidden(`${site} requests are refused`);
	const type = headers['content-type']?.split(';')[0].trim().toLowerCase();
	if (type !== 'application/json')
		throw forbidden('send a JSON body with Content-Type: application/json');
}

function forbidden(reason: string): ApiError {
	return new ApiError(403, 'invalid_request_error', `Emulator control endpoint: ${reason}.`);
}

function findDeliverableEvent(emulator: Emulator, id: string) {
	const event = emulator.store.events.require(id);
	if (!emulator.webhooks.status.url)
		throw invalidRequest('No webhook URL is configured (STRIPE_EMULATOR_WEBHOOK_URL).');
	return event;
}
