import { beforeEach, describe, expect, it, vi } from 'vitest';
import { getConfig } from '../config';
import { openDatabase, type Db } from '../db';
import { signIn, signInSlowdown, signUp, throttles } from './accounts';

let db: Db;
const ada = { email: 'ada@example.com', password: 'correct horse' };
const wrong = { ...ada, password: 'wrong password' };
const tooMany = /^Too many attempts\. Try again in \d+ (second|minute)s?\.$/;

beforeEach(() => {
	db = openDatabase(':memory:');
	for (const throttle of Object.values(throttles)) throttle.clear();
	vi.restoreAllMocks();
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
		const wrongPassword = await signIn(db, wrong, '10.0.0.2');
		const unknown = await signIn(
			db,
			{ email: 'nobody@example.com', password: 'whatever!' },
			'10.0.0.3'
		);
		expect(wrongPassword).toEqual(unknown);
		expect((await signIn(db, ada, '10.0.0.4')).ok).toBe(true);
	});
});

describe('sign-in throttling', () => {
	it('never refuses the right password from another IP, however many failures other IPs made, but slows every answer down', async () => {
		const pause = vi.spyOn(signInSlowdown, 'pause').mockResolvedValue();
		await signUp(db, ada, '10.0.0.1');
		for (let attempt = 0; attempt < 5; attempt++) await signIn(db, wrong, `10.0.1.${attempt}`);
		expect(pause).not.toHaveBeenCalled();
		for (let attempt = 5; attempt < 20; attempt++) await signIn(db, wrong, `10.0.1.${attempt}`);

		expect(await signIn(db, wrong, '10.0.2.1')).toMatchObject({ ok: false, status: 400 });
		expect(pause).toHaveBeenLastCalledWith(signInSlowdown.ms);
		pause.mockClear();
		expect(await signIn(db, ada, '10.0.2.2')).toMatchObject({
			ok: true,
			user: { email: ada.email }
		});
		expect(pause).toHaveBeenCalledExactlyOnceWith(signInSlowdown.ms);
		expect(signInSlowdown.ms).toBeLessThanOrEqual(5000);
	});

	it('refuses the same IP and email after 5 failures with 429 and says when to retry', async () => {
		vi.spyOn(signInSlowdown, 'pause').mockResolvedValue();
		await signUp(db, ada, '10.0.0.1');
		for (let attempt = 0; attempt < 5; attempt++)
			expect((await signIn(db, wrong, '10.0.3.1')).ok).toBe(false);
		const refused = await signIn(db, ada, '10.0.3.1');
		expect(refused).toMatchObject({ ok: false, status: 429 });
		expect(refused.ok || refused.message).toBe('Too many attempts. Try again in 15 minutes.');
		expect((await signIn(db, ada, '10.0.3.2')).ok).toBe(true);
	});

	it('refuses an IP after 20 failures, whichever emails they were for', async () => {
		await signUp(db, ada, '10.0.0.1');
		for (let attempt = 0; attempt < 20; attempt++) {
			await signIn(
				db,
				{ email: `guess-${attempt}@example.com`, password: 'whatever!' },
				'10.0.4.1'
			);
		}
		const refused = await signIn(db, ada, '10.0.4.1');
		expect(refused).toMatchObject({ ok: false, status: 429 });
		expect(refused.ok || refused.message).toMatch(tooMany);
		expect((await signIn(db, ada, '10.0.4.2')).ok).toBe(true);
	});

	it('counts concurrent attempts too: 25 at once from one IP get at most 20 answers', async () => {
		const attempts = Array.from({ length: 25 }, (_, attempt) =>
			signIn(db, { email: `guess-${attempt}@example.com`, password: 'whatever!' }, '10.0.6.1')
		);
		const statuses = (await Promise.all(attempts)).map((result) =>
			result.ok ? 200 : result.status
		);
		expect(statuses.filter((status) => status === 400)).toHaveLength(20);
		expect(statuses.filter((status) => status === 429)).toHaveLength(5);
	});
});

describe('sign-up throttling', () => {
	it('counts every attempt per IP, so probing for existing emails is refused with 429 past the limit', async () => {
		const limit = getConfig().SIGNUP_LIMIT_PER_IP;
		expect((await signUp(db, ada, '10.0.5.1')).ok).toBe(true);
		for (let attempt = 2; attempt <= limit; attempt++)
			expect(await signUp(db, ada, '10.0.5.1')).toMatchObject({ status: 400 });
		const refused = await signUp(db, ada, '10.0.5.1');
		expect(refused).toMatchObject({ ok: false, status: 429 });
		expect(refused.ok || refused.message).toMatch(tooMany);
		expect(await signUp(db, ada, '10.0.5.2')).toMatchObject({ status: 400 });
	});
});
