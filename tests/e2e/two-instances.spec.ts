import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type Stripe from 'stripe';
import { signupBonus } from '../../src/lib/credits/packages';
import { demoSecretKey } from '../../src/lib/server/config';
import { createStripeClient } from '../../src/lib/server/stripe/client';
import { seededRandom } from '../../tools/stripe-emulator/delivery';
import { databaseUrl } from '../postgres/cluster';
import { api, createApiKey } from './credits-api';
import { e2eDatabaseUrl, verifyDatabaseLedger } from './e2e-db';
import { signUpRaw } from './raw-http';
import { startServerProcess, type ServerProcess } from './server-process';
import { expectedFromStripe, ledgerOf, netOf } from './storm-check';
import { scheduleDeliveries, sendStorm } from './storm-delivery';
import { planPurchases } from './storm-plan';
import { control, makePurchases } from './storm-shop';

/*
 * Two app instances on one PostgreSQL database, as behind a load balancer: each request goes to
 * either. Only the PostgreSQL run loads this file (playwright.config.ts); on SQLite, cluster.spec.ts
 * runs two workers on one file.
 */
test.describe.configure({ mode: 'serial' });

const url = databaseUrl(e2eDatabaseUrl, 'credits_two_instances');
const secret = `whsec_${randomBytes(32).toString('hex')}`;
const seed = Number(process.env.STORM_SEED ?? Math.floor(Math.random() * 2 ** 31));
let first: ServerProcess;
let second: ServerProcess;

test.beforeAll(async () => {
	test.setTimeout(360_000);
	execFileSync(process.execPath, ['--import', 'tsx', 'tests/postgres/fresh-database.ts', url]);
	const shared = {
		DATABASE_URL: url,
		STRIPE_WEBHOOK_SECRET: secret,
		API_RATE_LIMIT_PER_MINUTE: '100000'
	};
	first = await startServerProcess('two-instances-a', 10, shared);
	// The second uses the first's emulator, as both would use Stripe.
	second = await startServerProcess('two-instances-b', 11, {
		...shared,
		STRIPE_API_URL: first.emulatorUrl
	});
});

test.afterAll(async () => {
	for (const server of [first, second]) {
		if (!server) continue;
		process.kill(server.pid, 'SIGTERM');
		await server.exited;
	}
});

test('concurrent spends through both instances apply each key once and never overspend', async () => {
	const key = createApiKey('both', url);
	const { email } = await signUpRaw(first.url);
	const userId = await first.first<string>('select id from users where email = ?', email);
	const keys = Array.from({ length: signupBonus.credits + 10 }, (_, i) => `both-${i}`);
	const spend = async (server: ServerProcess, idempotencyKey: string) => {
		const reply = await api(server.url, {
			path: '/api/v1/spend',
			key,
			body: { user_id: userId, amount: 1, idempotency_key: idempotencyKey, reason: 'two instances' }
		});
		return {
			status: reply.status,
			replayed: reply.headers['idempotent-replayed'] === 'true',
			code: reply.json.error?.code as string | undefined
		};
	};
	// Every key to both instances at once: 120 requests, each answered by one of them.
	const answers = await Promise.all(
		keys.flatMap((idempotencyKey) => [spend(first, idempotencyKey), spend(second, idempotencyKey)])
	);
	const tally: Record<string, number> = {};
	for (const { status, code, replayed } of answers) {
		const kind = status === 200 ? (replayed ? 'replayed' : 'applied') : `${status} ${code}`;
		tally[kind] = (tally[kind] ?? 0) + 1;
	}
	// A refusal is not stored, so the key's other request is refused again rather than replayed.
	expect(tally).toEqual({
		applied: signupBonus.credits,
		replayed: signupBonus.credits,
		'402 insufficient_credits': 20
	});
	const balance = await first.first(
		"select credits_posted - debits_posted from accounts where kind = 'user' and user_id = ?",
		userId
	);
	expect(balance).toBe(0);
	expect(
		await second.first(
			"select count(*) from transfers t join accounts a on a.id = t.user_account_id where a.user_id = ? and t.code = 'spend'",
			userId
		)
	).toBe(signupBonus.credits);
});

test('Stripe events delivered to both instances, shuffled and repeated, credit each purchase once', async () => {
	test.setTimeout(300_000);
	const random = seededRandom(seed);
	console.log(`two instances: seed ${seed} (STORM_SEED=${seed} replays it)`);
	await control(first, 'webhooks/pause');
	const stripe = createStripeClient({
		stripeSecretKey: demoSecretKey(secret),
		stripeApiUrl: first.emulatorUrl
	});
	const made = await makePurchases(first, stripe, planPurchases(30, random), 4);
	const events: Stripe.Event[] = [];
	for await (const event of stripe.events.list({ limit: 100 })) events.unshift(event);
	const schedule = scheduleDeliveries(events, random);
	const halves: [Stripe.Event[], Stripe.Event[]] = [[], []];
	for (const event of schedule) halves[random() < 0.5 ? 0 : 1].push(event);
	const storms = await Promise.all(
		[first, second].map((server, i) =>
			sendStorm(halves[i], {
				url: `${server.url}/api/webhooks/stripe`,
				secret,
				signer: stripe,
				senders: 4
			})
		)
	);
	for (const storm of storms) expect(storm.gaveUp).toEqual([]);

	const mismatches = [];
	for (const purchase of made) {
		const expected = await expectedFromStripe(stripe, purchase);
		const actual = await ledgerOf(first, purchase.purchaseId);
		if (!isDeepStrictEqual(expected, actual)) mismatches.push({ purchase, expected, actual });
	}
	expect(mismatches).toEqual([]);
	const net = new Map<string, number>();
	for (const purchase of made) {
		const expected = await expectedFromStripe(stripe, purchase);
		net.set(purchase.userId, (net.get(purchase.userId) ?? signupBonus.credits) + netOf(expected));
	}
	for (const [userId, credits] of net)
		expect(
			await second.first(
				"select credits_posted - debits_posted from accounts where kind = 'user' and user_id = ?",
				userId
			)
		).toBe(credits);
	expect(await verifyDatabaseLedger(url)).toEqual([]);
});
