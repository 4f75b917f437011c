import { isActionFailure, isRedirect } from '@sveltejs/kit';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createUser, signInSlowdown, throttles } from '$lib/server/auth/accounts';
import { createSession, sessionCookieName, validateSessionToken } from '$lib/server/auth/session';
import { openDatabase, type Db } from '$lib/server/db';
import { perform } from '$lib/server/db/unit';
import { actions, load } from './+page.server';

let db: Db;
vi.mock('$lib/server/db', async (original) => ({
	...(await original<typeof import('$lib/server/db')>()),
	getDb: () => db
}));

const password = 'correct horse';
type ActionEvent = Parameters<typeof actions.changePassword>[0];
type Fake = {
	event: ActionEvent;
	cookies: Map<string, string>;
	headers: Record<string, string>;
};

let user: { id: string; email: string; role: 'user' | 'admin' };
let session: { token: string; id: string };

beforeEach(async () => {
	db = openDatabase(':memory:');
	for (const throttle of Object.values(throttles)) throttle.clear();
	vi.spyOn(signInSlowdown, 'pause').mockResolvedValue();
	const created = (await createUser(db, { email: 'ada@example.com', password }))!;
	user = { id: created.id, email: created.email, role: created.role };
	const { token } = await perform(db, createSession(db, user.id));
	session = { token, id: token.split('.')[0] };
});

function fakeEvent(action: string, fields: Record<string, string> = {}): Fake {
	const cookies = new Map<string, string>();
	const headers: Record<string, string> = {};
	const url = new URL(`http://localhost/settings/security?/${action}`);
	const event = {
		locals: { user, session: { id: session.id, userId: user.id, expiresAt: new Date() } },
		url,
		request: new Request(url, {
			method: 'POST',
			body: new URLSearchParams(fields),
			headers: { 'content-type': 'application/x-www-form-urlencoded' }
		}),
		cookies: {
			set: (name: string, value: string) => cookies.set(name, value),
			delete: (name: string) => cookies.set(name, '')
		},
		setHeaders: (set: Record<string, string>) => Object.assign(headers, set),
		getClientAddress: () => '10.0.9.1'
	} as unknown as ActionEvent;
	return { event, cookies, headers };
}

async function outcome(run: () => unknown) {
	try {
		return await run();
	} catch (thrown) {
		return thrown;
	}
}

describe('/settings/security', () => {
	it('lists the sessions with this device marked', async () => {
		await perform(db, createSession(db, user.id));
		const data = (await load(fakeEvent('load').event as never)) as {
			sessions: { current: boolean }[];
		};
		expect(data.sessions.map((listed) => listed.current).sort()).toEqual([false, true]);
	});

	it('?/changePassword sets a fresh session cookie; the old token is dead', async () => {
		const { event, cookies } = fakeEvent('changePassword', {
			currentPassword: password,
			newPassword: 'a brand new passphrase'
		});
		expect(await actions.changePassword(event)).toEqual({ changePassword: { changed: true } });
		const fresh = cookies.get(sessionCookieName) ?? '';
		expect((await validateSessionToken(db, fresh)).user?.id).toBe(user.id);
		expect((await validateSessionToken(db, session.token)).session).toBeNull();
	});

	it('?/changePassword answers a malformed form with field errors and writes nothing', async () => {
		const { event, cookies } = fakeEvent('changePassword', { newPassword: 'short' });
		const result = await actions.changePassword(event);
		expect(isActionFailure(result) && result.status).toBe(400);
		expect(isActionFailure(result) && result.data).toEqual({
			changePassword: {
				errors: {
					currentPassword: 'Enter your current password.',
					newPassword: 'Use at least 8 characters.'
				}
			}
		});
		expect(cookies.size).toBe(0);
		expect((await validateSessionToken(db, session.token)).session).not.toBeNull();
	});

	it('?/changePassword answers guessing with 429 and Retry-After', async () => {
		for (let attempt = 0; attempt < 5; attempt++) {
			const wrong = fakeEvent('changePassword', {
				currentPassword: `guess ${attempt}`,
				newPassword: 'a brand new passphrase'
			});
			const refused = await actions.changePassword(wrong.event);
			expect(isActionFailure(refused) && refused.status).toBe(400);
			expect(wrong.headers).toEqual({});
		}
		const { event, headers } = fakeEvent('changePassword', {
			currentPassword: password,
			newPassword: 'a brand new passphrase'
		});
		const result = await actions.changePassword(event);
		expect(isActionFailure(result) && result.status).toBe(429);
		expect(headers).toEqual({ 'retry-after': '900' });
		expect((await validateSessionToken(db, session.token)).session).not.toBeNull();
	});

	it('?/signOutEverywhere ends every session, deletes the cookie and lands on /login with a notice', async () => {
		const other = await perform(db, createSession(db, user.id));
		const { event, cookies } = fakeEvent('signOutEverywhere');
		const thrown = await outcome(() => actions.signOutEverywhere(event));
		expect(isRedirect(thrown) && thrown.location).toBe('/login?signedOut=everywhere');
		expect(cookies.get(sessionCookieName)).toBe('');
		expect((await validateSessionToken(db, session.token)).session).toBeNull();
		expect((await validateSessionToken(db, other.token)).session).toBeNull();
	});
});
