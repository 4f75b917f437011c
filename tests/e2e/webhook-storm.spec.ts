import { expect, test } from '@playwright/test';
import type Stripe from 'stripe';
import { isDeepStrictEqual } from 'node:util';
import { signupBonus } from '../../src/lib/credits/packages';
import { demoSecretKey } from '../../src/lib/server/config';
import { runScript } from '../../src/lib/server/ledger/testing/processes';
import { createStripeClient } from '../../src/lib/server/stripe/client';
import { seededRandom } from '../../tools/stripe-emulator/delivery';
import { startServerProcess, type ServerProcess } from './server-process';
import { describeOrdering, isRetryLater, scheduleDeliveries, sendStorm } from './storm-delivery';
import { planPurchases, type ExpectedLedger } from './storm-plan';
import { expectedFromStripe, handledTypes, ledgerOf, netOf } from './storm-check';
import { control, makePurchases } from './storm-shop';

/*
 * The webhook storm (docs/reliability.md): purchases paid, refunded and disputed at the emulator
 * with its own deliveries paused, then every event Stripe made sent to the running server 1–5 times,
 * shuffled, by concurrent senders. CI size by default; STORM_PURCHASES=1000 is the stress size.
 */
const purchases = Number(process.env.STORM_PURCHASES ?? 200);
const senders = Number(process.env.STORM_SENDERS ?? 8);
const seed = Number(process.env.STORM_SEED ?? Math.floor(Math.random() * 2 ** 31));

test.describe.configure({ mode: 'serial' });

let server: ServerProcess;

test.beforeAll(async () => {
	test.setTimeout(240_000);
	server = await startServerProcess('webhook-storm', 5);
	await control(server, 'webhooks/pause');
});

test.afterAll(async () => {
	process.kill(server.pid, 'SIGTERM');
	await server.exited;
});

test('a storm of shuffled, duplicated, concurrent Stripe events credits each purchase once and claws back exactly', async () => {
	test.setTimeout(120_000 + purchases * 500);
	console.log(
		`webhook storm: seed ${seed} (STORM_SEED=${seed} replays it), ${purchases} purchases`
	);
	const random = seededRandom(seed);
	const stripe = createStripeClient({
		stripeSecretKey: demoSecretKey(server.webhookSecret()),
		stripeApiUrl: server.emulatorUrl
	});

	const made = await makePurchases(server, stripe, planPurchases(purchases, random), 4);
	const events: Stripe.Event[] = [];
	for await (const event of stripe.events.list({ limit: 100 })) events.unshift(event);
	const schedule = scheduleDeliveries(events, random);
	const ordering = describeOrdering(events, schedule);
	const storm = await sendStorm(schedule, {
		url: `${server.url}/api/webhooks/stripe`,
		secret: server.webhookSecret(),
		signer: stripe,
		senders
	});

	const figures = {
		purchases,
		events: events.length,
		deliveries: schedule.length,
		duplicates: schedule.length - events.length,
		...ordering,
		retryLater: storm.retryLater,
		requests: storm.answers.length,
		seconds: Number(storm.seconds.toFixed(1)),
		...latency(storm.answers.map((answer) => answer.ms)),
		deliveriesPerSecond: Math.round(storm.answers.length / storm.seconds)
	};
	console.log(`webhook storm: ${JSON.stringify(figures)}`);

	expect(events.length).toBeGreaterThanOrEqual(purchases * 10);
	expect(ordering.paymentBeforeCheckout).toBeGreaterThan(0);
	expect(ordering.reversalBeforeCredit).toBeGreaterThan(0);
	expect(storm.answers.filter((answer) => answer.status !== 200 && !isRetryLater(answer))).toEqual(
		[]
	);
	expect(storm.gaveUp).toEqual([]);

	const outcomes = await server.query<{
		id: string;
		type: string;
		outcome: string;
		error: string | null;
	}>('select id, type, outcome, error from stripe_events');
	const outcomeOf = new Map(outcomes.map((row) => [row.id, row]));
	const unfinished = events
		.map(
			(event) => outcomeOf.get(event.id) ?? { id: event.id, type: event.type, outcome: 'missing' }
		)
		.filter((row) => row.outcome !== 'processed' && row.outcome !== 'ignored');
	expect(unfinished).toEqual([]);
	const handledButIgnored = outcomes.filter(
		(row) => handledTypes.has(row.type) && row.outcome !== 'processed'
	);
	expect(handledButIgnored).toEqual([]);

	const expected = new Map<string, ExpectedLedger>();
	for (const purchase of made)
		expected.set(purchase.purchaseId, await expectedFromStripe(stripe, purchase));
	const compared = [];
	for (const purchase of made)
		compared.push({
			purchaseId: purchase.purchaseId,
			reversals: purchase.reversals,
			expected: expected.get(purchase.purchaseId)!,
			actual: await ledgerOf(server, purchase.purchaseId)
		});
	const mismatches = compared.filter(
		({ expected, actual }) => !isDeepStrictEqual(expected, actual)
	);
	expect(mismatches).toEqual([]);

	const expectedBalances = new Map<string, number>();
	for (const { userId, purchaseId } of made)
		expectedBalances.set(
			userId,
			(expectedBalances.get(userId) ?? signupBonus.credits) + netOf(expected.get(purchaseId)!)
		);
	const balances = new Map<string, unknown>();
	for (const userId of expectedBalances.keys())
		balances.set(
			userId,
			await server.first(
				"select credits_posted - debits_posted from accounts where kind = 'user' and user_id = ?",
				userId
			)
		);
	expect(balances).toEqual(expectedBalances);

	expect(runScript('scripts/ledger-verify.ts', server.databaseUrl)).toMatchObject({
		status: 0,
		stdout: 'ok\n'
	});
});

function latency(ms: number[]) {
	const sorted = [...ms].sort((a, b) => a - b);
	const at = (share: number) => Math.round(sorted[Math.floor(share * (sorted.length - 1))]);
	return { p50Ms: at(0.5), p99Ms: at(0.99) };
}
