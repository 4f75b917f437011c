import type { Db } from '../db/index';
import { createContext } from './context';
import { adjust, clawback, type AdjustInput, type ClawbackInput } from './deduct';
import { sweepExpired } from './expire';
import { grant, type GrantInput } from './grant';
import {
	capture,
	hold,
	release,
	type CaptureInput,
	type HoldInput,
	type ReleaseInput
} from './holds';
import { findHold, listHolds, listLots, listTransfers, readBalance } from './reads';
import type { PostedTransfer } from './results';
import { rollUp } from './rollup';
import { spend, type SpendInput } from './spend';
import { dailyTotals, systemTotals, type DailyTotalsFilter } from './totals';
import type { TransferFilter } from './transfer-pages';
import { verifyLedger } from './verify';

export type LedgerOptions = {
	/** The clock; tests move it forward. */
	now?: () => Date;
	/**
	 * Called with each transfer inside the transaction that posts it, before it commits: whatever it
	 * writes to the same database commits or rolls back with the transfer, and a throw rolls both back.
	 * Not called for replays. It runs on the spend path, so it must be cheap when it has nothing to do.
	 */
	onPosted?: (transfer: PostedTransfer) => void;
};

/**
 * The credit ledger. Every write is one synchronous BEGIN IMMEDIATE transaction that takes an
 * idempotency key and returns a Result: `{ ok: true, transferId, balance, available, replayed, ... }`
 * or `{ ok: false, error: { code, message } }`.
 */
export function createLedger(db: Db, options: LedgerOptions = {}) {
	const ctx = createContext(db.$client, options.now ?? (() => new Date()), options.onPosted);
	return {
		grant: (input: GrantInput) => grant(ctx, input),
		spend: (input: SpendInput) => spend(ctx, input),
		hold: (input: HoldInput) => hold(ctx, input),
		capture: (input: CaptureInput) => capture(ctx, input),
		release: (input: ReleaseInput) => release(ctx, input),
		clawback: (input: ClawbackInput) => clawback(ctx, input),
		adjust: (input: AdjustInput) => adjust(ctx, input),
		/** Expires every due lot and hold (the sweeper; spends also expire their account's due credits). */
		expire: () => sweepExpired(ctx),
		/** Brings the system accounts' counters up to date (a spend writes only the user's account). */
		rollUp: () => rollUp(ctx),
		/** The system accounts' counters, by kind: current after rollUp(). */
		systemTotals: () => systemTotals(ctx),
		/** Credits moved per UTC day and transfer code. */
		dailyTotals: (filter: DailyTotalsFilter) => dailyTotals(db, filter),
		balance: (userId: string) => readBalance(ctx, userId),
		transfers: (filter?: TransferFilter) => listTransfers(ctx, filter),
		lots: (userId: string, options?: { open?: boolean }) => listLots(ctx, db, userId, options),
		holds: (userId: string, options?: { pending?: boolean }) => listHolds(ctx, db, userId, options),
		findHold: (holdId: number) => findHold(db, holdId),
		/** Every violated invariant, one line each; empty when the ledger is sound. */
		verify: () => verifyLedger(db.$client)
	};
}

export type Ledger = ReturnType<typeof createLedger>;

export type { AdjustInput, ClawbackInput, DeductResult } from './deduct';
export type { LedgerError, LedgerErrorCode, Result } from './errors';
export { ledgerErrorCodes } from './errors';
export type { ExpirySummary } from './expire';
export type { GrantInput, GrantResult } from './grant';
export type { CaptureInput, CaptureResult, HoldInput, HoldResult, ReleaseInput } from './holds';
export type { BalanceSummary } from './reads';
export type { TransferEntry, TransferFilter, TransferPage } from './transfer-pages';
export type { Posted, PostedTransfer } from './results';
export type { SpendInput } from './spend';
export { joinUserBalances, userBalanceColumns } from './reads';
export type { AccountCounters, DailyTotal, DailyTotalsFilter } from './totals';
export type { Hold, HoldStatus, Lot, LotCategory, Transfer, TransferCode } from './schema';
export type { GrantCode } from './transfer-codes';
export { verifyLedger } from './verify';
