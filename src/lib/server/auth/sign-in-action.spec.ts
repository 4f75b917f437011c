import { isActionFailure, type RequestEvent } from '@sveltejs/kit';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Db } from '../db';
import { signIn, signInSlowdown, signUp, throttles } from './accounts';
import { authenticateForm } from './sign-in-action';

let db: Db;
vi.mock('../db', async (original) => ({
	...(await original<typeof import('../db')>()),
	getDb: () => db
}));

beforeEach(() => {
	db = openDatabase(':memory:');
	for (const throttle of Object.values(throttles)) throttle.clear();
	vi.spyOn(signInSlowdown, 'pause').mockResolvedValue();
});

function post(email: string, password: string) {
	const headers: Record<string, string> = {};
	const url = new URL('http://localhost/login');
	const event = {
		url,
		request: new Request(url, {
			method: 'POST',
			body: new URLSearchParams({ email, password }),
			headers: { 'content-type': 'application/x-www-form-urlencoded' }
		}),
		cookies: { set: vi.fn() },
		setHeaders: (set: Record<string, string>) => Object.assign(headers, set),
		getClientAddress: () => '10.0.8.1'
	} as unknown as RequestEvent;
	return { event, headers };
}

describe('the sign-in and sign-up actions', () => {
	it('answer a throttled sign-in with 429 and Retry-After, and a wrong password without one', async () => {
		for (let attempt = 0; attempt < 5; attempt++) {
			const { event, headers } = post('ada@example.com', `wrong guess ${attempt}`);
			const result: unknown = await authenticateForm(event, signIn);
			expect(isActionFailure(result) && result.status).toBe(400);
			expect(headers).toEqual({});
		}
		const { event, headers } = post('ada@example.com', 'one more guess');
		const result: unknown = await authenticateForm(event, signIn);
		expect(isActionFailure(result) && result.status).toBe(429);
		expect(headers).toEqual({ 'retry-after': '900' });
	});

	it('answer a throttled sign-up with 429 and Retry-After', async () => {
		for (let attempt = 0; attempt < 10; attempt++) throttles.signupsPerIp.record('10.0.8.1');
		const { event, headers } = post('new@example.com', 'long enough');
		const result: unknown = await authenticateForm(event, signUp);
		expect(isActionFailure(result) && result.status).toBe(429);
		expect(Number(headers['retry-after'])).toBeGreaterThan(0);
	});
});
