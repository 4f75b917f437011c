import type { Db } from '../db';
import type { BalanceSummary, Ledger, LotCategory, Result, TransferCode } from '../ledger';

/** A transfer an operation wrote (or, in a dry run, would write). */
export type WrittenTransfer = {
	id: number;
	code: TransferCode;
	amount: number;
	/** + into the user's balance, − out of it */
	balanceDelta: number;
	balanceAfter: number;
	reason: string | null;
};

/** A lot an operation opened (`before` null) or drew down. */
export type LotChange = {
	lotId: number;
	category: LotCategory;
	expiresAt: Date | null;
	before: number | null;
	after: number;
};

export type Writes = {
	balanceBefore: BalanceSummary;
	balanceAfter: BalanceSummary;
	transfers: WrittenTransfer[];
	lots: LotChange[];
};

export type Captured<T> = { result: Result<T>; writes: Writes | null };

type Snapshot = { balance: BalanceSummary; headId: number; lots: Map<number, number> };

function snapshot(ledger: Ledger, userId: string): Snapshot {
	// Read first: reading a balance expires due credits, which belong before, not to the operation.
	const balance = ledger.balance(userId);
	const headId = ledger.transfers({ userId, limit: 1 }).items[0]?.id ?? 0;
	const lots = new Map(ledger.lots(userId).map((lot) => [lot.id, lot.remaining]));
	return { balance, headId, lots };
}

function writesSince(ledger: Ledger, userId: string, before: Snapshot): Writes {
	const balanceAfter = ledger.balance(userId);
	const transfers = ledger
		.transfers({ userId, limit: 500 })
		.items.filter((transfer) => transfer.id > before.headId)
		.reverse()
		.map(({ id, code, amount, balanceDelta, balanceAfter, reason }) => ({
			id,
			code,
			amount,
			balanceDelta,
			balanceAfter,
			reason
		}));
	const lots = ledger
		.lots(userId)
		.filter((lot) => before.lots.get(lot.id) !== lot.remaining)
		.map((lot) => ({
			lotId: lot.id,
			category: lot.category,
			expiresAt: lot.expiresAt,
			before: before.lots.get(lot.id) ?? null,
			after: lot.remaining
		}));
	return { balanceBefore: before.balance, balanceAfter, transfers, lots };
}

class Rollback<T> {
	constructor(readonly value: T) {}
}

/**
 * Runs fn in one transaction (the ledger's own become savepoints): all of it is written, or none.
 * Inside, throwing a Rollback undoes every write and answers its value.
 */
export function atomically<T>(db: Db, fn: () => T): T {
	try {
		return db.$client.transaction(fn).immediate();
	} catch (thrown) {
		if (thrown instanceof Rollback) return thrown.value as T;
		throw thrown;
	}
}

/**
 * Runs one ledger operation for a user inside an outer transaction (the ledger's own becomes a
 * savepoint) and reads back exactly what it wrote. `keep` decides, inside the transaction, whether
 * the writes stand: returning false rolls everything back, which is how a dry run shows the real
 * operation's transfers and lot changes without writing them.
 */
export function captureWrites<T>(
	db: Db,
	ledger: Ledger,
	userId: string,
	operation: () => Result<T>,
	keep: (captured: Captured<T>) => boolean
): Captured<T> {
	return atomically(db, () => {
		const before = snapshot(ledger, userId);
		const result = operation();
		const captured = { result, writes: result.ok ? writesSince(ledger, userId, before) : null };
		if (!keep(captured)) throw new Rollback(captured);
		return captured;
	});
}

/** Runs fn in a transaction that is always rolled back, and returns what it returned. */
export function dryRun<T>(db: Db, fn: () => T): T {
	return atomically(db, () => {
		throw new Rollback(fn());
	});
}
