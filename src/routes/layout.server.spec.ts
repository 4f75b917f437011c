import { describe, expect, it } from 'vitest';
import { load } from './+layout.server';

type LoadEvent = Parameters<typeof load>[0];

describe('the root layout', () => {
	it('sends the signed-in account’s email and role, not its id', () => {
		const locals = { user: { id: 'user_secret_id', email: 'ada@example.com', role: 'admin' } };
		expect(load({ locals } as LoadEvent)).toEqual({
			user: { email: 'ada@example.com', role: 'admin' }
		});
	});

	it('sends no account when nobody is signed in', () => {
		expect(load({ locals: { user: null } } as LoadEvent)).toEqual({ user: null });
	});
});
