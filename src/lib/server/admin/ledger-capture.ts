import type { Db } from '../db';
import { ledger, transaction, type Unit } from '../db/unit';
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

function* snapshot(userId: string): Unit<Snapshot> {
	// Read first: reading a balance expires due credits, which belong before, not to the operation.
	const balance = yield* ledger((l) => l.balance(userId));
	const head = yield* ledger((l) => l.transfers({ userId, limit: 1 }));
	const lots = yield* ledger((l) => l.lots(userId));
	return {
		balance,
		headId: head.items[0]?.id ?? 0,
		lots: new Map(lots.map((lot) => [lot.id, lot.remaining]))
	};
}

function* writesSince(userId: string, before: Snapshot): Unit<Writes> {
	const balanceAfter = yield* ledger((l) => l.balance(userId));
	const recent = yield* ledger((l) => l.transfers({ userId, limit: 500 }));
	const lots = yield* ledger((l) => l.lots(userId));
	const transfers = recent.items
		.filter((transfer) => transfer.id > before.headId)
		.reverse()
		.map(({ id, code, amount, balanceDelta, balanceAfter, reason }) => ({
			id,
			code,
			amount,
			balanceDelta,
			balanceAfter,
			reason
		}));
	const changedLots = lots
		.filter((lot) => before.lots.get(lot.id) !== lot.remaining)
		.map((lot) => ({
			lotId: lot.id,
			category: lot.category,
			expiresAt: lot.expiresAt,
			before: before.lots.get(lot.id) ?? null,
			after: lot.remaining
		}));
	return { balanceBefore: before.balance, balanceAfter, transfers, lots: changedLots };
}

class Rollback<T> {
	constructor(readonly value: T) {}
}

/**
 * Runs the unit in one transaction (the ledger's own become savepoints): all of it is written, or
 * none. Inside, throwing a Rollback undoes every write and answers its value.
 */
async function atomically<T>(db: Db, build: (tx: Db) => Unit<T>): Promise<T> {
	try {
		return await transaction(db, build);
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
	userId: string,
	operation: (ledger: Ledger) => Result<T>,
	keep: (tx: Db, captured: Captured<T>) => Unit<boolean>
): Promise<Captured<T>> {
	return atomically(db, function* (tx) {
		const before = yield* snapshot(userId);
		const result = yield* ledger(operation);
		const writes = result.ok ? yield* writesSince(userId, before) : null;
		const captured = { result, writes };
		if (!(yield* keep(tx, captured))) throw new Rollback(captured);
		return captured;
	});
}

/** Runs the unit in a transaction that is always rolled back, and returns what it returned. */
export function dryRun<T>(db: Db, build: (tx: Db) => Unit<T>): Promise<T> {
	return atomically(db, function* (tx) {
		throw new Rollback(yield* build(tx));
	});
}
