/**
 * A plain in-memory ledger with the same rules, for property tests: arrays and loops, no SQL.
 * Ids of lots and holds count from 1 in creation order, as SQLite's rowids do.
 */
type Lot = {
	id: number;
	user: string;
	category: 'paid' | 'free';
	amount: number;
	remaining: number;
	held: number;
	expiresAt: number | null;
	reference: string | null;
};
type Hold = {
	id: number;
	user: string;
	amount: number;
	expiresAt: number;
	status: string;
	portions: [Lot, number][];
};
export type ModelResult = { ok: true; [field: string]: unknown } | { ok: false; code: string };

import { expiringSoonMs } from '../time';

export class LedgerModel {
	now = 0;
	lots: Lot[] = [];
	holds: Hold[] = [];
	accounts = new Map<string, { balance: number; onHold: number }>();
	private keys = new Map<string, { signature: string; result: ModelResult }>();

	/** Idempotency: replays a stored success, refuses a reused key, or runs and stores a success. */
	keyed(key: string, signature: unknown[], run: () => ModelResult): ModelResult {
		const stored = this.keys.get(key);
		const text = JSON.stringify(signature);
		if (stored && stored.signature !== text) return { ok: false, code: 'idempotency_conflict' };
		if (stored) return { ...stored.result, ok: true, replayed: true };
		const result = run();
		if (result.ok) this.keys.set(key, { signature: text, result });
		return result;
	}

	grant(
		user: string,
		amount: number,
		category: 'paid' | 'free',
		expiresAt: number | null,
		reference: string | null
	) {
		if (expiresAt !== null && expiresAt <= this.now)
			return { ok: false as const, code: 'invalid_request' };
		const account = this.open(user);
		this.expire(user);
		account.balance += amount;
		const lot = {
			id: this.lots.length + 1,
			user,
			category,
			amount,
			remaining: amount,
			held: 0,
			expiresAt,
			reference
		};
		this.lots.push(lot);
		const result = this.posted(user, { lotId: lot.id });
		this.repayDebt(user);
		return result;
	}

	spend(user: string, amount: number) {
		const refused = this.refuse(user, amount);
		if (refused) return refused;
		for (const [lot, take] of this.pick(user, amount)) lot.remaining -= take;
		this.accounts.get(user)!.balance -= amount;
		return this.posted(user);
	}

	hold(user: string, amount: number, expiresAt: number) {
		if (expiresAt <= this.now) return { ok: false as const, code: 'invalid_request' };
		const refused = this.refuse(user, amount);
		if (refused) return refused;
		const portions = this.pick(user, amount);
		for (const [lot, take] of portions) lot.held += take;
		this.accounts.get(user)!.onHold += amount;
		this.holds.push({
			id: this.holds.length + 1,
			user,
			amount,
			expiresAt,
			status: 'pending',
			portions
		});
		return this.posted(user, { holdId: this.holds.length });
	}

	/** Capture (amount > 0) or release (amount 0) a hold. */
	resolve(holdId: number, amount: number | null, release: boolean): ModelResult {
		const hold = this.holds[holdId - 1];
		if (!hold) return { ok: false, code: 'hold_not_found' };
		this.expire(hold.user);
		if (hold.status !== 'pending') return { ok: false, code: 'hold_not_pending' };
		const captured = release ? 0 : (amount ?? hold.amount);
		if (captured > hold.amount) return { ok: false, code: 'invalid_amount' };
		let left = captured;
		for (const [lot, portion] of hold.portions) {
			const take = Math.min(left, portion);
			lot.held -= portion;
			lot.remaining -= take;
			left -= take;
		}
		const account = this.accounts.get(hold.user)!;
		account.onHold -= hold.amount;
		account.balance -= captured;
		hold.status = release ? 'released' : 'captured';
		const result = this.posted(
			hold.user,
			release ? { holdId } : { holdId, captured, released: hold.amount - captured }
		);
		this.expireLots(hold.user);
		this.repayDebt(hold.user);
		return result;
	}

	/** Clawback (always, into debt) or a forced adjustment; an unforced adjustment is refused like a spend. */
	deduct(user: string, amount: number, force: boolean, firstReference: string | null = null) {
		const refused = force ? null : this.refuse(user, amount);
		if (refused) return refused;
		this.open(user);
		this.expire(user);
		const first = this.lots.find(
			(lot) => lot.user === user && lot.reference === firstReference && firstReference !== null
		);
		for (const [lot, take] of this.pick(user, amount, first)) lot.remaining -= take;
		this.accounts.get(user)!.balance -= amount;
		return this.posted(user, { debt: Math.max(0, -this.available(user)) });
	}

	nextExpiry() {
		const times = [
			...this.lots.filter((lot) => lot.remaining > lot.held),
			...this.holds.filter((hold) => hold.status === 'pending')
		]
			.map((item) => item.expiresAt)
			.filter((at): at is number => at !== null && at > this.now);
		return times.length ? Math.min(...times) : null;
	}

	sweep() {
		for (const user of this.accounts.keys()) this.expire(user);
	}

	read(user: string) {
		if (!this.accounts.has(user))
			return { balance: 0, available: 0, onHold: 0, expiringSoon: 0, debt: 0 };
		this.expire(user);
		const { balance, onHold } = this.accounts.get(user)!;
		const expiringSoon = this.userLots(user)
			.filter(
				(lot) =>
					lot.expiresAt !== null &&
					lot.expiresAt > this.now &&
					lot.expiresAt <= this.now + expiringSoonMs
			)
			.reduce((sum, lot) => sum + lot.remaining - lot.held, 0);
		const available = balance - onHold;
		return { balance, available, onHold, expiringSoon, debt: Math.max(0, -available) };
	}

	private open(user: string) {
		if (!this.accounts.has(user)) this.accounts.set(user, { balance: 0, onHold: 0 });
		return this.accounts.get(user)!;
	}

	private available(user: string) {
		const account = this.accounts.get(user)!;
		return account.balance - account.onHold;
	}

	private refuse(user: string, amount: number): ModelResult | null {
		if (!this.accounts.has(user)) return { ok: false, code: 'insufficient_credits' };
		this.expire(user);
		const available = this.available(user);
		if (available < 0) return { ok: false, code: 'account_in_debt' };
		if (available < amount) return { ok: false, code: 'insufficient_credits' };
		return null;
	}

	private posted(user: string, extra: Record<string, unknown> = {}): ModelResult {
		return {
			ok: true,
			balance: this.accounts.get(user)!.balance,
			available: this.available(user),
			...extra
		};
	}

	private userLots(user: string) {
		return this.lots.filter((lot) => lot.user === user);
	}

	/** Lots with unheld credits in spend order: soonest expiry, free before paid, oldest; `first` first. */
	private pick(user: string, amount: number, first?: Lot): [Lot, number][] {
		const rank = (lot: Lot) => [
			lot.expiresAt === null ? 1 : 0,
			lot.expiresAt ?? 0,
			lot.category === 'free' ? 0 : 1,
			lot.id
		];
		const lots = this.userLots(user)
			.filter((lot) => lot.remaining > lot.held)
			.sort((a, b) => (a === first ? -1 : b === first ? 1 : compare(rank(a), rank(b))));
		const taken: [Lot, number][] = [];
		let left = amount;
		for (const lot of lots) {
			const take = Math.min(left, lot.remaining - lot.held);
			if (take > 0) taken.push([lot, take]);
			left -= take;
		}
		return taken;
	}

	private expire(user: string) {
		for (const hold of this.holds) {
			if (hold.user !== user || hold.status !== 'pending' || hold.expiresAt > this.now) continue;
			for (const [lot, portion] of hold.portions) lot.held -= portion;
			this.accounts.get(user)!.onHold -= hold.amount;
			hold.status = 'expired';
		}
		this.expireLots(user);
		this.repayDebt(user);
	}

	private expireLots(user: string) {
		for (const lot of this.userLots(user)) {
			if (lot.expiresAt === null || lot.expiresAt > this.now) continue;
			this.accounts.get(user)!.balance -= lot.remaining - lot.held;
			lot.remaining = lot.held;
		}
	}

	/** Credits beyond what is available pay the debt. */
	private repayDebt(user: string) {
		const unheld = this.userLots(user).reduce((sum, lot) => sum + lot.remaining - lot.held, 0);
		const excess = unheld - Math.max(0, this.available(user));
		for (const [lot, take] of this.pick(user, excess)) lot.remaining -= take;
	}
}

function compare(a: number[], b: number[]) {
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
	return 0;
}
