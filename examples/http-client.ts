// Run with: CREDITS_URL=http://localhost:3000 CREDITS_API_KEY=ck_… CREDITS_USER_EMAIL=user@example.com npx tsx examples/http-client.ts
import { createCreditsClient } from '../src/lib/client/index';

const credits = createCreditsClient({
	baseUrl: process.env.CREDITS_URL ?? 'http://localhost:3000',
	apiKey: process.env.CREDITS_API_KEY ?? ''
});
const run = process.env.RUN_ID ?? String(Date.now());

// Your user's email → their Credits id.
const user = await credits.findUser(process.env.CREDITS_USER_EMAIL ?? 'user@example.com');
if (!user.ok) throw new Error(user.error.message);
const userId = user.data.user_id;
const balance = await credits.balance(userId);
if (balance.ok) console.log(`balance ${balance.data.balance}`);

// A spend, retried: the retry answers the first response and spends nothing more.
const spend = {
	user_id: userId,
	amount: 5,
	idempotency_key: `export-${run}`,
	reason: 'PDF export'
};
const first = await credits.spend(spend);
const retry = await credits.spend(spend);
if (first.ok && retry.ok)
	console.log(`spent, now ${first.data.balance}; retry replayed: ${retry.replayed}`);

// Too much: an error value with a stable code.
const refused = await credits.spend({ ...spend, amount: 1_000_000, idempotency_key: `big-${run}` });
if (!refused.ok) console.log(`refused: ${refused.status} ${refused.error.code}`);

// A job whose cost is known at the end: hold the most it may cost, capture what it did cost.
const held = await credits.hold({
	user_id: userId,
	amount: 10,
	idempotency_key: `job-${run}`,
	expires_in_seconds: 600
});
if (held.ok) {
	const captured = await credits.capture(held.data.hold_id, {
		amount: 4,
		idempotency_key: `job-${run}:done`
	});
	if (captured.ok) console.log(`captured ${captured.data.captured} of ${captured.data.amount}`);
}

const history = await credits.transactions(userId, { limit: 3 });
if (history.ok) console.log(`history: ${history.data.data.map((entry) => entry.type).join(', ')}`);
