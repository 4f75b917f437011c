import type { Db } from './db';
import { perform } from './db/unit';
import { captureHold, getBalance, holdCredits, releaseHold } from './api/credits';
import type { ApiCaller } from './api/caller';

/** What a haiku may cost at most: the hold placed before the work, as a metered job would. */
export const haikuMaxCost = 5;

const caller = { kind: 'app', name: 'demo' } as const satisfies ApiCaller;

const openings = ['Morning light on', 'Quiet rain over', 'A lantern above', 'Winter wind across'];
const closings = [
	'the pond remembers',
	'one leaf lets go',
	'the kettle hums',
	'footsteps fade away'
];

/** How long a page's attempt token stays usable, and so how long its hold may last. */
export const attemptLifetimeSeconds = 600;

export type Attempt = { id: string; issuedAt: number };

/** A token for one press of Generate: `<issued ms>-<uuid>`, made when the page loads. */
export function newAttempt(now = Date.now()): string {
	return `${now}-${crypto.randomUUID()}`;
}

export function readAttempt(token: string, now = Date.now()): Attempt | null {
	const match = /^(\d{13})-([0-9a-f-]{36})$/.exec(token);
	if (!match) return null;
	const issuedAt = Number(match[1]);
	const age = now - issuedAt;
	return age >= 0 && age < attemptLifetimeSeconds * 1000 ? { id: token, issuedAt } : null;
}

export type HaikuResult =
	| { ok: true; lines: string[]; cost: number; available: number }
	| { ok: false; code: 'insufficient_credits' | 'account_in_debt' | 'failed'; message: string };

/**
 * Holds the most a haiku can cost, writes it, then captures what it really cost (the rest is
 * released): the same API functions the host app calls over HTTP. `attempt` makes a resubmitted form
 * replay instead of paying twice.
 */
export async function generateHaiku(
	db: Db,
	userId: string,
	topic: string,
	attempt: Attempt
): Promise<HaikuResult> {
	const held = await perform(
		db,
		holdCredits(
			db,
			caller,
			{
				user_id: userId,
				amount: haikuMaxCost,
				idempotency_key: `demo:${attempt.id}:hold`,
				expires_in_seconds: attemptLifetimeSeconds,
				reason: `Haiku about “${topic}”`
			},
			// The attempt's own time, so a resubmitted form asks for the same hold and replays it.
			attempt.issuedAt
		)
	);
	if (!held.ok) {
		const code = held.error.code;
		return code === 'insufficient_credits' || code === 'account_in_debt'
			? { ok: false, code, message: held.error.message }
			: { ok: false, code: 'failed', message: held.error.message };
	}
	const lines = compose(topic);
	const cost = costOf(topic);
	const captured = await perform(
		db,
		captureHold(db, caller, held.value.hold_id, {
			amount: cost,
			idempotency_key: `demo:${attempt.id}:capture`
		})
	);
	if (!captured.ok) {
		await perform(
			db,
			releaseHold(db, caller, held.value.hold_id, { idempotency_key: `demo:${attempt.id}:release` })
		);
		return { ok: false, code: 'failed', message: captured.error.message };
	}
	return { ok: true, lines, cost, available: captured.value.available };
}

export async function demoBalance(db: Db, userId: string) {
	const balance = await getBalance(db, { kind: 'session', userId }, {});
	return balance.ok ? balance.value.available : 0;
}

/** The real cost: 3 credits, and one more for each extra word of the topic, never above the hold. */
function costOf(topic: string): number {
	return Math.min(haikuMaxCost, 2 + topic.split(/\s+/).filter(Boolean).length);
}

function compose(topic: string): string[] {
	const seed = [...topic].reduce((sum, char) => sum + char.codePointAt(0)!, 0);
	return [
		`${openings[seed % openings.length]} ${topic.toLowerCase()}`,
		closings[(seed >> 2) % closings.length],
		'credits well spent'
	];
}
