// Run with: npx tsx examples/spend-credits.ts
import { grantCredits, spendCredits } from '../src/lib/server/api/credits';
import { createUser } from '../src/lib/server/auth/accounts';
import { openDatabase } from '../src/lib/server/db/index';
import { perform } from '../src/lib/server/db/unit';
import { createLedger } from '../src/lib/server/ledger/index';

const db = openDatabase(':memory:'); // your app: openDatabase(process.env.DATABASE_URL ?? 'data/credits.db')
const ledger = createLedger(db);

// Credits in: a gift of 100 free credits that expire in 30 days.
ledger.grant({
	userId: 'user_1',
	amount: 100,
	category: 'free',
	expiresAt: new Date(Date.now() + 30 * 86_400_000),
	reason: 'Welcome bonus',
	actor: 'system',
	idempotencyKey: 'welcome:user_1'
});

// Spend: retrying with the same idempotency key returns the first result and spends nothing more.
const first = ledger.spend({
	userId: 'user_1',
	amount: 30,
	reason: 'PDF export',
	actor: 'app',
	idempotencyKey: 'export-42'
});
const retry = ledger.spend({
	userId: 'user_1',
	amount: 30,
	reason: 'PDF export',
	actor: 'app',
	idempotencyKey: 'export-42'
});
console.log(first, retry.ok && retry.replayed); // { ok: true, transferId: 2, balance: 70, available: 70, replayed: false } true

// Too much: an error value with a stable code, never an exception.
const refused = ledger.spend({
	userId: 'user_1',
	amount: 500,
	actor: 'app',
	idempotencyKey: 'export-43'
});
if (!refused.ok) console.log(refused.error.code); // insufficient_credits

// Hold, then capture what the job really cost; the rest goes back.
const hold = ledger.hold({
	userId: 'user_1',
	amount: 50,
	expiresAt: new Date(Date.now() + 600_000),
	actor: 'app',
	idempotencyKey: 'job-7'
});
if (hold.ok) {
	const captured = ledger.capture({
		holdId: hold.holdId,
		amount: 20,
		actor: 'app',
		idempotencyKey: 'job-7:done'
	});
	console.log(captured.ok && captured.captured, captured.ok && captured.released); // 20 30
}

console.log(ledger.balance('user_1')); // { balance: 50, available: 50, onHold: 0, expiringSoon: 50, debt: 0 }
console.log(ledger.verify()); // [] — every invariant holds

// One level up: the HTTP API's own functions, for code inside the app (docs/api.md#in-process). The same
// fields and answers as the endpoints, for users the app has, with the caller recorded as the actor.
const ada = (await createUser(db, {
	email: 'ada@example.com',
	password: 'correct horse battery'
}))!;
const app = { kind: 'app', name: 'example' } as const;
await perform(
	db,
	grantCredits(db, app, {
		user_id: ada.id,
		amount: 20,
		idempotency_key: 'promo:ada',
		reason: 'Promotion',
		category: 'free'
	})
);
const haiku = { user_id: ada.id, amount: 8, idempotency_key: 'haiku-1', reason: 'A haiku' };
console.log(await perform(db, spendCredits(db, app, haiku))); // { ok: true, value: { transfer_id: 7, balance: 12, available: 12 } }
const broke = await perform(
	db,
	spendCredits(db, app, { ...haiku, amount: 100, idempotency_key: 'haiku-2' })
);
console.log(broke.ok || broke.error.code); // insufficient_credits
