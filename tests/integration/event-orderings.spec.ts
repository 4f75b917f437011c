import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getLedgerFor } from '../../src/lib/server/app-ledger';
import type { Db } from '../../src/lib/server/db';
import * as schema from '../../src/lib/server/db/schema';
import { perform } from '../../src/lib/server/db/unit';
import { findPurchase } from '../../src/lib/server/purchases';
import { openShop, type Shop } from './purchase-fixture';

/**
 * Stripe delivers in no guaranteed order, so every ordering of one purchase's payment, refund and
 * dispute events must end in the same ledger, without a 500 that waits for a retry. Stripe's side is
 * set up once per scenario (webhooks paused); each ordering replays its events against a fresh copy
 * of the app's database taken before any of them arrived.
 */
let shop: Shop;

beforeAll(async () => {
	shop = await openShop();
	await shop.control('webhooks/pause');
});
afterAll(() => shop.close());

type Close = 'won' | 'lost' | undefined;
type Scenario = { userId: string; purchaseId: string; snapshot: Buffer; events: Stripe.Event[] };

/** A paid purchase, refunded in part, then disputed (and the dispute closed), all at Stripe. */
async function reversedPurchase(close: Close): Promise<Scenario> {
	const userId = await shop.signUp();
	const { purchaseId, url, sessionId } = await shop.buy(userId);
	expect((await shop.pay(url)).status).toBe(303);
	const intentId = (await shop.stripe.checkout.sessions.retrieve(sessionId))
		.payment_intent as string;
	const [charge] = (await shop.stripe.charges.list({ payment_intent: intentId, limit: 1 })).data;
	await shop.stripe.refunds.create({ payment_intent: intentId, amount: 1000 });
	const dispute = (await shop.control(`charges/${charge.id}/dispute`)) as { id: string };
	if (close) await shop.control(`disputes/${dispute.id}/close`, { status: close });

	const eventOf = async (type: string, objectId: string) => {
		const found = (await shop.eventsOf(type)).find(
			(event) => (event.data.object as { id: string }).id === objectId
		);
		if (!found) throw new Error(`no ${type} for ${objectId}`);
		return found;
	};
	const events = [
		await eventOf('checkout.session.completed', sessionId),
		await eventOf('payment_intent.succeeded', intentId),
		await eventOf('charge.refunded', charge.id),
		await eventOf('charge.dispute.created', dispute.id),
		...(close ? [await eventOf('charge.dispute.closed', dispute.id)] : [])
	];
	return { userId, purchaseId, snapshot: inMemory(shop.db.$client.serialize()), events };
}

/** The database's bytes marked as rollback-journal, as an in-memory copy needs (the file is in WAL mode). */
function inMemory(bytes: Buffer): Buffer {
	bytes[18] = bytes[19] = 1;
	return bytes;
}

function permutations<T>(items: T[]): T[][] {
	if (items.length <= 1) return [items];
	return items.flatMap((item, index) =>
		permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [
			item,
			...rest
		])
	);
}

/** Delivers the batches one after another, each batch's events at the same time, and reads the ledger. */
async function replay(scenario: Scenario, batches: Stripe.Event[][]) {
	const sqlite = new Database(scenario.snapshot);
	sqlite.pragma('foreign_keys = ON');
	const db = drizzle(sqlite, { schema }) as Db;
	const answers: number[] = [];
	for (const batch of batches) {
		const delivered = await Promise.all(batch.map((event) => shop.deliverTo(db, event)));
		answers.push(...delivered.map((response) => response.status));
	}
	const ledger = getLedgerFor(db);
	const purchase = (await perform(db, findPurchase(db, scenario.purchaseId)))!;
	const { items } = await ledger.transfers({ reference: scenario.purchaseId });
	const result = {
		answers: [...new Set(answers)],
		status: purchase.status,
		refunded: purchase.amountRefundedMinor,
		balance: (await ledger.balance(scenario.userId)).balance,
		transfers: items.reverse().map((transfer) => [transfer.code, transfer.amount]),
		violations: await ledger.verify()
	};
	db.$client.close();
	return result;
}

const name = (events: Stripe.Event[]) => events.map((event) => event.type).join(' → ');

const taken = [
	['purchase', 500],
	['refund', 125],
	['dispute', 375]
];
const expected = {
	open: { status: 'disputed', balance: 0, transfers: taken },
	won: { status: 'partially_refunded', balance: 375, transfers: [...taken, ['reinstate', 375]] },
	lost: { status: 'disputed', balance: 0, transfers: taken }
};

/** Each ordering's result by name, to compare with the one expected for all of them. */
async function resultsOf(
	scenario: Scenario,
	orderings: Stripe.Event[][],
	batchesOf: (ordering: Stripe.Event[]) => Stripe.Event[][] = (ordering) => ordering.map((e) => [e])
) {
	const results: Record<string, unknown> = {};
	for (const ordering of orderings)
		results[name(ordering)] = await replay(scenario, batchesOf(ordering));
	return results;
}

function allEqual(orderings: Stripe.Event[][], outcome: (typeof expected)['open']) {
	const one = { answers: [200], refunded: 1000, violations: [], ...outcome };
	return Object.fromEntries(orderings.map((ordering) => [name(ordering), one]));
}

describe('every delivery order of a purchase’s payment, refund and dispute events', () => {
	it('ends in the same ledger for all 24 orders of paid, paid, refunded and disputed', async () => {
		const scenario = await reversedPurchase(undefined);
		const orderings = permutations(scenario.events);
		expect(orderings).toHaveLength(24);
		expect(await resultsOf(scenario, orderings)).toEqual(allEqual(orderings, expected.open));
	});

	it.each(['won', 'lost'] as const)(
		'ends in the same ledger for all 120 orders when the dispute is then %s',
		async (close) => {
			const scenario = await reversedPurchase(close);
			const orderings = permutations(scenario.events);
			expect(orderings).toHaveLength(120);
			expect(await resultsOf(scenario, orderings)).toEqual(allEqual(orderings, expected[close]));
		}
	);

	it('ends in the same ledger when every event of every order is delivered twice', async () => {
		const scenario = await reversedPurchase(undefined);
		const orderings = permutations(scenario.events);
		const twiceAtOnce = (ordering: Stripe.Event[]) => ordering.map((event) => [event, event]);
		const againReversed = (ordering: Stripe.Event[]) =>
			[...ordering, ...[...ordering].reverse()].map((event) => [event]);
		expect(await resultsOf(scenario, orderings, twiceAtOnce)).toEqual(
			allEqual(orderings, expected.open)
		);
		expect(await resultsOf(scenario, orderings, againReversed)).toEqual(
			allEqual(orderings, expected.open)
		);
	});

	it('ends in the same ledger when all the events and their duplicates arrive at once', async () => {
		const scenario = await reversedPurchase('won');
		const orderings = permutations(scenario.events).filter((_, index) => index % 10 === 0);
		const allAtOnce = (ordering: Stripe.Event[]) => [[...ordering, ...ordering]];
		expect(await resultsOf(scenario, orderings, allAtOnce)).toEqual(
			allEqual(orderings, expected.won)
		);
	});
});
