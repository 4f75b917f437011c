import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packages } from '../../src/lib/credits/packages';
import { createUser } from '../../src/lib/server/auth/accounts';
import { getLedgerFor } from '../../src/lib/server/app-ledger';
import { openDatabase, type Db } from '../../src/lib/server/db';
import { asAppDb, createPgTestDatabase } from '../../src/lib/server/db/pg/testing';
import type { Purchase } from '../../src/lib/server/db/schema';
import { perform } from '../../src/lib/server/db/unit';
import { findPurchase } from '../../src/lib/server/purchases';
import { startCheckout } from '../../src/lib/server/stripe/checkout';
import { handleStripeEvent } from '../../src/lib/server/stripe/events';
import { saveSyncedPrices } from '../../src/lib/server/stripe/prices';
import { syncPackages } from '../../src/lib/server/stripe/sync';
import { receiveWebhook } from '../../src/lib/server/stripe/webhook';
import { startStripe, type Harness } from './stripe-harness';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

export const webhookSecret = 'whsec_integration_secret';
export const cards = {
	ok: '4242424242424242',
	declined: '4000000000000002',
	insufficient: '4000000000009995'
};

export type Shop = Harness & {
	db: Db;
	receiver: Server;
	close(): Promise<void>;
	signUp(): Promise<string>;
	buy(
		userId: string,
		packageId?: string
	): Promise<{ purchaseId: string; url: string; sessionId: string }>;
	pay(url: string, card?: string, extra?: Record<string, string>): Promise<Response>;
	deliver(event: Stripe.Event, signature?: string): ReturnType<typeof receiveWebhook>;
	/** Delivers to another database of the same shop (a copy, say), as Stripe would sign it. */
	deliverTo(db: Db, event: Stripe.Event): ReturnType<typeof receiveWebhook>;
	eventsOf(type: string): Promise<Stripe.Event[]>;
	balanceOf(userId: string): Promise<number>;
	violations(): Promise<string[]>;
	purchase(id: string): Promise<Purchase>;
};

type Backend = 'sqlite' | 'postgres';

/**
 * The shop's database: a SQLite file, or with TEST_BACKEND=postgres a fresh PostgreSQL database
 * (npm run test:integration:postgres runs the purchase tests there too).
 */
async function openShopDatabase(
	backend: Backend
): Promise<{ db: Db; closeDb: () => Promise<void> }> {
	if (backend === 'postgres') {
		// Enough connections for units that wait on one another's locks while webhooks are recorded.
		const database = await createPgTestDatabase({ max: 10 });
		return { db: asAppDb(database.db), closeDb: database.drop };
	}
	const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'credits-')), 'shop.db'));
	return {
		db,
		closeDb: async () => {
			db.$client.close();
		}
	};
}

/** A database, an emulator delivering webhooks to the real handler over HTTP, and the synced catalogue. */
export async function openShop(
	backend: Backend = process.env.TEST_BACKEND === 'postgres' ? 'postgres' : 'sqlite'
): Promise<Shop> {
	const { db, closeDb } = await openShopDatabase(backend);
	// Closing the emulator aborts its deliveries, but a handler already running carries on; the
	// database closes only after those finish.
	const handling = new Set<Promise<void>>();
	const receiver = createServer((request, response) => {
		const handled = handle(request, response).finally(() => handling.delete(handled));
		handling.add(handled);
	});
	async function handle(request: IncomingMessage, response: ServerResponse) {
		const chunks: Buffer[] = [];
		for await (const chunk of request) chunks.push(chunk as Buffer);
		const header = request.headers['stripe-signature'];
		const { status, body } = await receiveWebhook(
			db,
			Buffer.concat(chunks).toString('utf8'),
			typeof header === 'string' ? header : null,
			webhookSecret,
			(event) => handleStripeEvent(db, harness.stripe, event)
		);
		response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
	}
	await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
	const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
	const harness = await startStripe({ webhookUrl, webhookSecret });
	await saveSyncedPrices(db, (await syncPackages(harness.stripe, packages)).prices);
	const ledger = getLedgerFor(db);
	let users = 0;
	function deliver(target: Db, event: Stripe.Event, signature?: string) {
		const payload = JSON.stringify(event);
		const header =
			signature ??
			harness.stripe.webhooks.generateTestHeaderString({ payload, secret: webhookSecret });
		return receiveWebhook(target, payload, header, webhookSecret, (e) =>
			handleStripeEvent(target, harness.stripe, e)
		);
	}

	return {
		...harness,
		db,
		receiver,
		async close() {
			await harness.emulator.close();
			await new Promise((resolve) => receiver.close(resolve));
			await Promise.allSettled(handling);
			await closeDb();
		},
		async signUp() {
			const user = await createUser(db, {
				email: `buyer${++users}@example.com`,
				password: 'long enough'
			});
			return user!.id;
		},
		async buy(userId, packageId = 'standard') {
			const result = await startCheckout(
				db,
				harness.stripe,
				{ id: userId, email: `${userId}@example.com` },
				packageId,
				'http://app.test'
			);
			if (!result.ok) throw new Error(result.message);
			return {
				purchaseId: result.purchaseId,
				url: result.url,
				sessionId: (await perform(db, findPurchase(db, result.purchaseId)))!.checkoutSessionId!
			};
		},
		pay(url, card = cards.ok, extra = {}) {
			return fetch(url, {
				method: 'POST',
				body: new URLSearchParams({ email: 'buyer@example.com', card_number: card, ...extra }),
				redirect: 'manual'
			});
		},
		deliver(event, signature) {
			return deliver(db, event, signature);
		},
		deliverTo(target, event) {
			return deliver(target, event);
		},
		async eventsOf(type) {
			return (await harness.stripe.events.list({ type, limit: 100 })).data;
		},
		balanceOf: async (userId) => (await ledger.balance(userId)).balance,
		violations: async () => (await ledger.verify()).map((violation) => String(violation)),
		purchase: async (id) => (await perform(db, findPurchase(db, id)))!
	};
}

/** Polls until `check` returns true (webhooks arrive asynchronously). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5000) {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}
