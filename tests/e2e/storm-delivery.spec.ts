import { expect, test } from '@playwright/test';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { sendStorm } from './storm-delivery';

/*
 * The storm's senders against a stand-in endpoint: the real webhook never asked to retry during the
 * storm runs so far, so this is where the redelivery of a retry-later answer is seen working.
 */
const secret = 'whsec_storm_delivery_test';
const signer = new Stripe('sk_test_storm_signing_only');

const eventOf = (id: string) =>
	({
		id,
		object: 'event',
		type: 'charge.refunded',
		data: { object: {} }
	}) as unknown as Stripe.Event;

/** Answers 500 `processing_failed` to `evt_late` until its third attempt, 500 `other` to `evt_broken`. */
async function standIn() {
	const attempts = new Map<string, number>();
	const server = createServer(async (request, response) => {
		let body = '';
		for await (const chunk of request) body += chunk;
		const event = signer.webhooks.constructEvent(
			body,
			request.headers['stripe-signature']!,
			secret
		);
		const attempt = (attempts.get(event.id) ?? 0) + 1;
		attempts.set(event.id, attempt);
		const code =
			event.id === 'evt_broken'
				? 'other'
				: event.id === 'evt_late' && attempt < 3
					? 'processing_failed'
					: null;
		response
			.writeHead(code ? 500 : 200, { 'content-type': 'application/json' })
			.end(JSON.stringify(code ? { error: { code, message: 'not now' } } : { received: true }));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
	return { url, attempts, close: () => new Promise((resolve) => server.close(resolve)) };
}

test('a retry-later answer is sent again until processed; any other 5xx is reported, not retried', async () => {
	const endpoint = await standIn();
	const schedule = ['evt_late', 'evt_ok', 'evt_broken', 'evt_ok'].map(eventOf);
	const result = await sendStorm(schedule, { url: endpoint.url, secret, signer, senders: 3 });
	await endpoint.close();

	expect(result.retryLater).toBe(2);
	expect(result.gaveUp).toEqual([]);
	expect(Object.fromEntries(endpoint.attempts)).toEqual({ evt_late: 3, evt_ok: 2, evt_broken: 1 });
	expect(
		result.answers
			.filter((answer) => answer.status !== 200)
			.map((answer) => answer.eventId)
			.sort()
	).toEqual(['evt_broken', 'evt_late', 'evt_late']);
});

test('an event still asked to retry after the last attempt is named as given up', async () => {
	const endpoint = await standIn();
	const result = await sendStorm([eventOf('evt_late')], {
		url: endpoint.url,
		secret,
		signer,
		senders: 2,
		maxAttempts: 2
	});
	await endpoint.close();

	expect(result.gaveUp).toEqual(['evt_late']);
	expect(endpoint.attempts.get('evt_late')).toBe(2);
});
