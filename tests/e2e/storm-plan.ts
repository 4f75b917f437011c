import { packages } from '../../src/lib/credits/packages';

/** What happens to one purchase at Stripe after it is paid, in order. */
export type Reversal = { refundMinor: number } | { dispute: 'won' | 'lost' | 'open' };
export type PlannedPurchase = {
	buyer: number;
	packageId: string;
	/** Paid by bank debit: the session completes unpaid and the payment succeeds later. */
	delayed: boolean;
	reversals: Reversal[];
};

type Random = () => number;
type Kind = 'plain' | 'partial' | 'full' | 'won' | 'lost' | 'open';

// Shares of the purchases, in twentieths: a quarter untouched, a quarter refunded in parts, the rest
// refunded in full or disputed (a dispute left open, won or lost), some after partial refunds.
const kindsPerTwenty: Record<Kind, number> = {
	plain: 5,
	partial: 5,
	full: 3,
	won: 3,
	lost: 2,
	open: 2
};

const between = (random: Random, low: number, high: number) =>
	low + Math.floor(random() * (high - low + 1));

export function shuffle<T>(items: T[], random: Random): T[] {
	for (let i = items.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[items[i], items[j]] = [items[j], items[i]];
	}
	return items;
}

/**
 * `count` purchases by buyers who each buy one to four different packages (a second buy of a package
 * whose payment is not yet credited would credit it from the success path, outside the storm).
 */
export function planPurchases(count: number, random: Random): PlannedPurchase[] {
	const kinds = shuffle(
		Array.from({ length: count }, (_, index) => kindAt(index)),
		random
	);
	const planned: PlannedPurchase[] = [];
	for (let buyer = 0; planned.length < count; buyer++) {
		const bought = shuffle([...packages], random).slice(0, between(random, 1, packages.length));
		for (const pkg of bought.slice(0, count - planned.length)) {
			const kind = kinds[planned.length];
			planned.push({
				buyer,
				packageId: pkg.id,
				delayed: random() < 0.1,
				reversals: reversalsOf(kind, pkg.unitAmount, random)
			});
		}
	}
	return planned;
}

function kindAt(index: number): Kind {
	let slot = index % 20;
	for (const [kind, share] of Object.entries(kindsPerTwenty) as [Kind, number][]) {
		if (slot < share) return kind;
		slot -= share;
	}
	throw new Error('the shares add up to 20');
}

function reversalsOf(kind: Kind, amountMinor: number, random: Random): Reversal[] {
	if (kind === 'plain') return [];
	if (kind === 'partial') return partialRefunds(amountMinor, between(random, 4, 8), random);
	const partials = partialRefunds(amountMinor, between(random, 0, 3), random);
	if (kind === 'full') {
		const refunded = partials.reduce((sum, refund) => sum + refund.refundMinor, 0);
		return [...partials, { refundMinor: amountMinor - refunded }];
	}
	return [...partials, { dispute: kind }];
}

/** Refunds that leave part of the charge unrefunded; one in five is too small to cover a credit. */
function partialRefunds(amountMinor: number, count: number, random: Random) {
	const refunds: { refundMinor: number }[] = [];
	let remaining = amountMinor;
	for (let i = 0; i < count && remaining > 1; i++) {
		const wanted =
			random() < 0.2 ? between(random, 1, 9) : between(random, 1, Math.ceil(remaining / 3));
		const refundMinor = Math.min(wanted, remaining - 1);
		refunds.push({ refundMinor });
		remaining -= refundMinor;
	}
	return refunds;
}

/** What Stripe says about a purchase once everything happened to it. */
export type StripeFacts = {
	credits: number;
	amountMinor: number;
	amountRefundedMinor: number;
	/** The dispute's Stripe status (`needs_response`, `won`, `lost`, …), or null without one. */
	disputeStatus: string | null;
};

export type ExpectedLedger = {
	/** Credits of each transfer code that names the purchase. */
	transfers: { purchase: number; refund: number; dispute: number; reinstate: number };
	status: string;
	disputeStatus: 'open' | 'won' | 'lost' | null;
};

/**
 * The ledger a purchase must end with, from Stripe's objects and the rules the docs state
 * (docs/architecture.md, "Purchases and Stripe" 5 and 6), written out apart from the app's code: a
 * refund takes back floor(credits × refunded / amount), all of them once fully refunded; a dispute
 * takes back the rest, and gives it back if won.
 */
export function expectedLedger(facts: StripeFacts): ExpectedLedger {
	const { credits, amountMinor, amountRefundedMinor } = facts;
	const refund =
		amountRefundedMinor >= amountMinor
			? credits
			: Math.floor((credits * amountRefundedMinor) / amountMinor);
	const disputeStatus =
		facts.disputeStatus === null
			? null
			: facts.disputeStatus === 'won' || facts.disputeStatus === 'lost'
				? facts.disputeStatus
				: 'open';
	const dispute = disputeStatus ? credits - refund : 0;
	const reinstate = disputeStatus === 'won' ? dispute : 0;
	const held = disputeStatus === 'open' || disputeStatus === 'lost';
	return {
		transfers: { purchase: credits, refund, dispute, reinstate },
		status: held
			? 'disputed'
			: amountRefundedMinor >= amountMinor
				? 'refunded'
				: amountRefundedMinor > 0
					? 'partially_refunded'
					: 'paid',
		disputeStatus
	};
}
