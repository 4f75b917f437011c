import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from './server';
import { control, createPrice, createSession, startTestEmulator, submitPayment } from './testing';

let emulator: RunningEmulator;
let stripe: Stripe;

beforeAll(async () => {
	({ emulator, stripe } = await startTestEmulator());
});
afterAll(() => emulator.close());

function reset(headers: Record<string, string>, body = '{}') {
	return fetch(`${emulator.url}/_emulator/reset`, { method: 'POST', headers, body });
}

async function expectRefused(response: Response) {
	expect(response.status).toBe(403);
	expect(response.headers.get('content-type')).toBe('application/json');
	expect(await response.json()).toMatchObject({
		error: {
			type: 'invalid_request_error',
			message: expect.stringMatching(/^Emulator control endpoint: /)
		}
	});
}

describe('control endpoints and cross-site requests', () => {
	it('refuse what a form on another site can send, and change nothing', async () => {
		const product = await stripe.products.create({ name: 'kept' });
		await expectRefused(await reset({ 'content-type': 'application/x-www-form-urlencoded' }, ''));
		await expectRefused(await reset({ 'content-type': 'text/plain' }, '{}'));
		await expectRefused(await reset({ 'content-type': 'text/plain; application/json' }, '{}'));
		await expectRefused(await fetch(`${emulator.url}/_emulator/reset`, { method: 'POST' }));
		expect(await stripe.products.retrieve(product.id)).toMatchObject({ name: 'kept' });
	});

	it('refuse JSON from another origin or another site', async () => {
		const json = { 'content-type': 'application/json' };
		await expectRefused(await reset({ ...json, origin: 'https://evil.example' }));
		await expectRefused(await reset({ ...json, origin: 'null' }));
		await expectRefused(await reset({ ...json, 'sec-fetch-site': 'cross-site' }));
		await expectRefused(await reset({ ...json, 'sec-fetch-site': 'same-site' }));
	});

	it('accept JSON from a script or from the emulator’s own origin', async () => {
		expect((await control(emulator, 'reset')).status).toBe(200);
		const sameOrigin = await reset({
			'content-type': 'application/json',
			origin: emulator.url,
			'sec-fetch-site': 'same-origin'
		});
		expect(sameOrigin.status).toBe(200);
	});

	it('never allow a preflight, so no other site may send JSON', async () => {
		const preflight = await fetch(`${emulator.url}/_emulator/reset`, {
			method: 'OPTIONS',
			headers: {
				origin: 'https://evil.example',
				'access-control-request-method': 'POST',
				'access-control-request-headers': 'content-type'
			}
		});
		expect(preflight.ok).toBe(false);
		expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
		expect(preflight.headers.get('access-control-allow-headers')).toBeNull();
	});

	it('leave the hosted checkout form working', async () => {
		const session = await createSession(stripe, await createPrice(stripe));
		const paid = await submitPayment(session.url ?? '', { card_number: '4242424242424242' });
		expect(paid.status).toBe(303);
	});
});
