import { describe, expect, it } from 'vitest';
import { formatBanner } from './banner';

const logins = [
	{ role: 'admin' as const, email: 'admin@example.com', password: 'a-password' },
	{ role: 'user' as const, email: 'user@example.com', password: 'u-password' }
];

describe('formatBanner', () => {
	it('names the URL, the emulator and the demo logins in demo mode', () => {
		expect(
			formatBanner({
				appUrl: 'http://localhost:3000',
				listening: 'on 127.0.0.1 only',
				emulatorUrl: 'http://127.0.0.1:12111',
				logins
			})
		).toBe(
			[
				'Credits is running at http://localhost:3000 (listening on 127.0.0.1 only)',
				'  Stripe emulator: http://127.0.0.1:12111 (no STRIPE_SECRET_KEY set, so no real payments)',
				'  demo admin  admin@example.com  password: a-password',
				'  demo user   user@example.com  password: u-password'
			].join('\n')
		);
	});

	it('names the origin browsers must use with a real key, and no logins', () => {
		expect(
			formatBanner({
				appUrl: 'https://credits.example.com',
				listening: 'on every interface',
				emulatorUrl: undefined,
				logins: []
			})
		).toBe(
			[
				'Credits is running at https://credits.example.com (listening on every interface)',
				'  Expects browsers at ORIGIN=https://credits.example.com; forms from any other origin are refused'
			].join('\n')
		);
	});
});
