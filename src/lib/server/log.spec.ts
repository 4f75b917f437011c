import { describe, expect, it } from 'vitest';
import { createLogger, inRequest, requestIdFrom } from './log';

function capture() {
	const lines: string[] = [];
	const logger = createLogger({ write: (line: string) => void lines.push(line) });
	return { logger, lines, entries: () => lines.map((line) => JSON.parse(line)) };
}

const secrets = {
	password: 'correct horse battery staple',
	card: '4242424242424242',
	session: 'credits_session=abc.def',
	bearer: 'Bearer ck_live_0123456789',
	signature: 't=1700000000,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd',
	webhookSecret: 'whsec_0123456789abcdef'
};

describe('the logger', () => {
	it('writes one JSON object per line with an ISO time and a level name', () => {
		const { logger, entries } = capture();
		logger.info({ status: 200 }, 'request');
		expect(entries()).toEqual([
			{
				level: 'info',
				time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
				status: 200,
				msg: 'request'
			}
		]);
	});

	it('never writes a password, card number, cookie, bearer token, signature or secret', () => {
		const { logger, lines, entries } = capture();
		logger.info({
			form: { email: 'ada@example.com', password: secrets.password },
			payment: { card_number: secrets.card },
			req: {
				headers: {
					authorization: secrets.bearer,
					cookie: secrets.session,
					'stripe-signature': secrets.signature
				}
			},
			config: { stripeWebhookSecret: secrets.webhookSecret, STRIPE_SECRET_KEY: 'sk_live_x1' }
		});
		logger.warn({ password: secrets.password, apiKey: 'ck_live_0123456789' }, 'sign-in');

		const output = lines.join('');
		for (const secret of [...Object.values(secrets), 'ck_live_0123456789', 'sk_live_x1']) {
			expect(output).not.toContain(secret);
		}
		const [first, second] = entries();
		expect(first.form).toEqual({ email: 'ada@example.com', password: '[redacted]' });
		expect(first.req.headers['stripe-signature']).toBe('[redacted]');
		expect(second).toMatchObject({ password: '[redacted]', apiKey: '[redacted]', msg: 'sign-in' });
	});

	it('tags every line written during a request with its id, across awaits', async () => {
		const { logger, entries } = capture();
		await inRequest('req-1', async () => {
			logger.info('before');
			await new Promise((resolve) => setTimeout(resolve, 1));
			logger.info('after');
		});
		logger.info('outside');
		expect(entries().map((entry) => [entry.msg, entry.requestId])).toEqual([
			['before', 'req-1'],
			['after', 'req-1'],
			['outside', undefined]
		]);
	});
});

describe('requestIdFrom', () => {
	const fromHeader = (value?: string) =>
		requestIdFrom(new Headers(value === undefined ? {} : { 'x-request-id': value }));

	it("keeps a proxy's short, plain id", () => {
		expect(fromHeader('7f3c2a9e1b4d4c0e8a6f5b2d1c3e4f5a')).toBe('7f3c2a9e1b4d4c0e8a6f5b2d1c3e4f5a');
		expect(fromHeader('Root=1-5759e988')).not.toBe('Root=1-5759e988');
	});

	it('makes a fresh one when none is sent, or the sent one is long or carries odd characters', () => {
		for (const sent of [undefined, '', 'x'.repeat(65), 'a b', 'id"}', 'id\u00e9']) {
			expect(fromHeader(sent)).toMatch(/^[0-9a-f-]{36}$/);
		}
	});
});
