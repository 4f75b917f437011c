import { isHttpError, isRedirect } from '@sveltejs/kit';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { SessionUser } from './session';

// Every server module under these folders, found by the file system, so a new page is checked
// the day it is added: each of its loads, actions and endpoints must refuse before doing anything.
type ServerModule = Record<string, unknown>;
const serverFile = /\/\+(page\.server|layout\.server|server)\.ts$/;
const serverModules = (modules: Record<string, () => Promise<ServerModule>>) =>
	Object.entries(modules).filter(([file]) => serverFile.test(file));
const adminModules = serverModules(import.meta.glob<ServerModule>('/src/routes/admin/**/*.ts'));
const settingsModules = serverModules(
	import.meta.glob<ServerModule>('/src/routes/settings/**/*.ts')
);

const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const plainUser: SessionUser = { id: 'user_plain', email: 'plain@example.com', role: 'user' };

type Handler = { name: string; call: (event: unknown) => unknown };

async function handlersOf(load: () => Promise<ServerModule>): Promise<Handler[]> {
	const module = await load();
	const handlers: Handler[] = [];
	if (typeof module.load === 'function')
		handlers.push({ name: 'load', call: module.load as Handler['call'] });
	for (const [name, action] of Object.entries(
		(module.actions ?? {}) as Record<string, Handler['call']>
	)) {
		handlers.push({ name: `?/${name}`, call: action });
	}
	for (const method of methods) {
		if (typeof module[method] === 'function')
			handlers.push({ name: method, call: module[method] as Handler['call'] });
	}
	return handlers;
}

function fakeEvent(path: string, user: SessionUser | null) {
	const url = new URL(`http://localhost${path}`);
	const body = new URLSearchParams({
		userId: plainUser.id,
		amount: '100',
		reason: 'probe',
		confirm: 'yes',
		idempotencyKey: 'probe'
	});
	return {
		locals: {
			user,
			session: user && { id: 'session', userId: user.id, expiresAt: new Date() },
			requestId: 'test'
		},
		url,
		params: new Proxy({}, { get: () => plainUser.id }),
		route: { id: path },
		request: new Request(url, {
			method: 'POST',
			body,
			headers: { 'content-type': 'application/x-www-form-urlencoded' }
		}),
		cookies: {
			get: () => undefined,
			getAll: () => [],
			set: vi.fn(),
			delete: vi.fn(),
			serialize: () => ''
		},
		getClientAddress: () => '127.0.0.1',
		setHeaders: vi.fn(),
		fetch: vi.fn(),
		parent: async () => ({}),
		depends: vi.fn(),
		untrack: <T>(fn: () => T) => fn(),
		isDataRequest: false,
		isSubRequest: false
	};
}

async function outcomeOf(handler: Handler, event: unknown): Promise<unknown> {
	try {
		return { returned: await handler.call(event) };
	} catch (thrown) {
		return thrown;
	}
}

function routeOf(file: string) {
	return file.replace(/^\/src\/routes/, '').replace(/\/\+[^/]+$/, '') || '/';
}

beforeAll(() => {
	process.env.DATABASE_URL = ':memory:';
});

describe('every admin load, action and endpoint checks the role itself', () => {
	it('finds the admin modules', () => {
		expect(adminModules.length).toBeGreaterThan(0);
	});

	for (const [file, load] of adminModules) {
		for (const [who, user] of [
			['signed out', null],
			['a plain user', plainUser]
		] as const) {
			it(`${routeOf(file)} answers 404 to ${who}`, async () => {
				const handlers = await handlersOf(load);
				expect(handlers.length).toBeGreaterThan(0);
				for (const handler of handlers) {
					const outcome = await outcomeOf(handler, fakeEvent(routeOf(file), user));
					expect(isHttpError(outcome) && outcome.status, `${file} ${handler.name}`).toBe(404);
				}
			});
		}
	}
});

describe('every settings load, action and endpoint requires a signed-in user itself', () => {
	for (const [file, load] of settingsModules) {
		it(`${routeOf(file)} sends a signed-out visitor to sign in`, async () => {
			const handlers = await handlersOf(load);
			expect(handlers.length).toBeGreaterThan(0);
			for (const handler of handlers) {
				const outcome = await outcomeOf(handler, fakeEvent(routeOf(file), null));
				expect(isRedirect(outcome) && outcome.location, `${file} ${handler.name}`).toMatch(
					/^\/login(\?|$)/
				);
			}
		});
	}
});
