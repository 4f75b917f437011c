import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db';
import { signIn, signUp, throttles } from './accounts';

let db: Db;
const ada = { email: 'ada@example.com', password: 'correct horse' };

beforeEach(() => {
	db = openDatabase(':memory:');
	for (const throttle of Object.values(throttles)) throttle.reset('10.0.0.1'), throttle.reset(ada.email);
});

describe('sign-up and sign-in', () => {
	it('refuses a second account for the same email', async () => {
		expect((await signUp(db, ada, '10.0.0.1')).ok).toBe(true);
		expect(await signUp(db, ada, '10.0.0.1')).toEqual({
			ok: false,
			status: 400,
			message: 'An account with this email already exists. Sign in instead.'
		});
	});

	it('gives one message for a wrong password and an unknown email', async () => {
		await signUp(db, ada, '10.0.0.1');
		const wrong = await signIn(db, { ...ada, password: 'wrong password' }, '10.0.0.2');
		const unknown = await signIn(db, { email: 'nobody@example.com', password: 'whatever!' }, '10.0.0.3');
		expect(wrong).toEqual(unknown);
		expect((await signIn(db, ada, '10.0.0.4')).ok).toBe(true);
	});

	it('throttles repeated failures for one email with 429 and says when to retry', async () => {
		await signUp(db, ada, '10.0.0.1');
		for (let attempt = 0; attempt < 5; attempt++) await signIn(db, { ...ada, password: 'wrong password' }, `10.0.1.${attempt}`);
		const result = await signIn(db, ada, '10.0.2.1');
		expect(result).toMatchObject({ ok: false, status: 429 });
		expect(result.ok || result.message).toMatch(/^Too many attempts\. Try again in 15 minutes\.$/);
	});
});
