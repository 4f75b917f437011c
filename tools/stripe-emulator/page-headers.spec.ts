import { createHash } from 'node:crypto';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageHeaders } from './page';
import type { RunningEmulator } from './server';
import { createPrice, createSession, startTestEmulator } from './testing';

let emulator: RunningEmulator;
let stripe: Stripe;
let price: Stripe.Price;

beforeAll(async () => {
	({ emulator, stripe } = await startTestEmulator());
	price = await createPrice(stripe, 999, 'usd');
});
afterAll(() => emulator.close());

function directives(response: Response): Map<string, string> {
	const policy = response.headers.get('content-security-policy') ?? '';
	return new Map(
		policy.split(';').map((directive) => {
			const [name, ...sources] = directive.trim().split(/\s+/);
			return [name, sources.join(' ')];
		})
	);
}

function inlineStyleHash(html: string): string {
	const style = html.match(/<style>([\s\S]*?)<\/style>/)?.[1] ?? '';
	return `'sha256-${createHash('sha256').update(style).digest('base64')}'`;
}

describe('the hosted pages’ security headers', () => {
	it('the checkout page allows its own style by hash, no script, no framing, and forms only to itself and the merchant’s return URLs', async () => {
		const session = await createSession(stripe, price, {
			success_url: 'https://shop.example/done?session_id={CHECKOUT_SESSION_ID}',
			cancel_url: 'http://127.0.0.1:4173/settings/credits?checkout=cancelled'
		});
		const response = await fetch(session.url ?? '');
		const html = await response.text();
		expect(response.status).toBe(200);
		expect(Object.fromEntries(directives(response))).toEqual({
			'default-src': "'none'",
			'style-src': inlineStyleHash(html),
			'form-action': "'self' https://shop.example http://127.0.0.1:4173",
			'frame-ancestors': "'none'",
			'base-uri': "'none'"
		});
		expect(html).not.toMatch(/<script|\sstyle=|\son\w+=/i);
		expect(response.headers.get('x-content-type-options')).toBe('nosniff');
		expect(response.headers.get('referrer-policy')).toBe('same-origin');
	});

	it('notices and receipts carry the same policy, with forms only to themselves', async () => {
		for (const path of ['/checkout/pay/cs_test_missing', '/receipts/payment/ch_missing']) {
			const response = await fetch(`${emulator.url}${path}`);
			expect(response.status, path).toBe(404);
			const found = directives(response);
			expect(found.get('default-src'), path).toBe("'none'");
			expect(found.get('style-src'), path).toBe(inlineStyleHash(await response.text()));
			expect(found.get('form-action'), path).toBe("'self'");
			expect(found.get('frame-ancestors'), path).toBe("'none'");
			expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
		}
	});

	it('lets no return URL add a directive or a scheme of its own to the policy', () => {
		const policy = pageHeaders([
			'http://a;script-src/x',
			'javascript:alert(1)',
			'data:text/html,hi',
			null,
			'http://[::1]:4173/ok'
		])['Content-Security-Policy'];
		expect(policy).toContain("form-action 'self' http://[::1]:4173;");
		expect(policy).not.toMatch(/script-src|javascript|data:/);
	});
});
