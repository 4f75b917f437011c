import { beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Db } from '$lib/server/db';
import { createLedger } from '$lib/server/ledger';
import { load } from './+layout.server';

let db: Db;
vi.mock('$lib/server/db', async (original) => ({
	...(await original<typeof import('$lib/server/db')>()),
	getDb: () => db
}));

type LoadEvent = Parameters<typeof load>[0];
const event = (locals: object) => ({ locals, depends: () => {} }) as unknown as LoadEvent;

beforeEach(() => {
	db = openDatabase(':memory:');
});

describe('the root layout', () => {
	it('sends the signed-in account’s email, role, available credits and theme, not its id', async () => {
		const ledger = createLedger(db);
		ledger.grant({
			userId: 'user_secret_id',
			amount: 120,
			category: 'free',
			reason: 'welcome',
			actor: 'system',
			idempotencyKey: 'welcome'
		});
		ledger.hold({
			userId: 'user_secret_id',
			amount: 20,
			actor: 'system',
			idempotencyKey: 'hold',
			expiresAt: new Date(Date.now() + 60_000)
		});
		const locals = {
			user: { id: 'user_secret_id', email: 'ada@example.com', role: 'admin' },
			theme: 'dark'
		};
		expect(await load(event(locals))).toEqual({
			user: { email: 'ada@example.com', role: 'admin' },
			availableCredits: 100,
			theme: 'dark'
		});
	});

	it('sends no account and no balance when nobody is signed in', async () => {
		expect(await load(event({ user: null, theme: 'system' }))).toEqual({
			user: null,
			availableCredits: null,
			theme: 'system'
		});
	});
});
