import type { AsyncLedger } from '../async';
import { debtOf } from '../accounts';
import {
	adjustHash,
	checkAdjust,
	checkClawback,
	clawbackHash,
	type AdjustInput,
	type ClawbackInput,
	type DeductResult
} from '../deduct';
import { checkFuture, checkKey, type Failure, type Result } from '../errors';
import { sweepBatchSize, type ExpirySummary } from '../expire';
import { checkGrant, grantHash, type GrantInput, type GrantResult } from '../grant';
import {
	captureHash,
	checkCapture,
	checkHold,
	holdHash,
	releaseHash,
	type CaptureInput,
	type CaptureResult,
	type HoldInput,
	type HoldResult,
	type ReleaseInput
} from '../holds';
import type { Posted } from '../results';
import { checkSpend, type SpendInput } from '../spend';
import type { PgContext } from './context';

type Writes = Pick<
	AsyncLedger,
	'grant' | 'spend' | 'hold' | 'capture' | 'release' | 'clawback' | 'adjust' | 'expire' | 'rollUp'
>;

/** What a ledger function returns: a failure as is, or a success with the operation's extra fields. */
type Returned = Failure | (Posted & { ok: true; [field: string]: unknown });

/**
 * The PostgreSQL ledger's writes: the same checks as SQLite's before any query, then ONE call of the
 * operation's function (drizzle-pg/0004_ledger_functions.sql), its jsonb mapped to SQLite's result.
 */
export function writeOperations(ctx: PgContext): Writes {
	const call = async (name: string, parameters: unknown[]) => {
		const placeholders = parameters.map((_, index) => `$${index + 1}`).join(', ');
		const { rows } = await ctx.pool.query({
			name,
			text: `SELECT ${name}(${placeholders}) AS result`,
			values: parameters
		});
		return rows[0].result as Returned;
	};
	/** A success in SQLite's field order, the operation's own fields after the common ones. */
	const posted = <T extends object>(
		returned: Returned,
		extra: (fields: Record<string, unknown>) => T
	): Result<Posted & T> => {
		if (!returned.ok) return returned;
		const { transferId, balance, available, replayed } = returned;
		return { ok: true, transferId, balance, available, replayed, ...extra(returned) };
	};
	const deducted = (returned: Returned): Result<DeductResult> =>
		posted(returned, (fields) => ({ debt: debtOf(fields.available as number) }));
	// A grant's or hold's expiry in the past is refused only when the key is new: the function decides.
	const refusalIfNew = (expiresAt: Date | null | undefined, now: number) => {
		const past = checkFuture(expiresAt, now, 'expiresAt');
		return past && JSON.stringify(past);
	};
	const msOf = (date: Date | null | undefined) => {
		const ms = date?.getTime();
		return ms !== undefined && Number.isFinite(ms) ? ms : null;
	};

	return {
		async grant(input: GrantInput): Promise<Result<GrantResult>> {
			const invalid = checkGrant(input);
			if (invalid) return invalid;
			const { code = 'grant', reason = null, reference = null } = input;
			const now = ctx.now();
			const returned = await call('ledger_grant', [
				input.userId,
				input.amount,
				input.category,
				code,
				msOf(input.expiresAt),
				reason,
				reference,
				input.actor,
				input.idempotencyKey,
				grantHash(input),
				refusalIfNew(input.expiresAt, now),
				now
			]);
			return posted(returned, (fields) => ({ lotId: fields.lotId as number }));
		},

		async spend(input: SpendInput): Promise<Result<Posted>> {
			const invalid = checkSpend(input);
			if (invalid) return invalid;
			const { reason = null, reference = null } = input;
			const returned = await call('ledger_spend', [
				input.userId,
				input.amount,
				reason,
				reference,
				input.actor,
				input.idempotencyKey,
				ctx.now()
			]);
			return posted(returned, () => ({}));
		},

		async hold(input: HoldInput): Promise<Result<HoldResult>> {
			const invalid = checkHold(input);
			if (invalid) return invalid;
			const { reason = null, reference = null } = input;
			const now = ctx.now();
			const returned = await call('ledger_hold', [
				input.userId,
				input.amount,
				msOf(input.expiresAt),
				reason,
				reference,
				input.actor,
				input.idempotencyKey,
				holdHash(input),
				refusalIfNew(input.expiresAt, now),
				now
			]);
			return posted(returned, (fields) => ({ holdId: fields.holdId as number }));
		},

		async capture(input: CaptureInput): Promise<Result<CaptureResult>> {
			const invalid = checkCapture(input);
			if (invalid) return invalid;
			const returned = await call('ledger_capture', [
				input.holdId,
				input.amount ?? null,
				input.userId ?? null,
				input.reason ?? null,
				input.actor,
				input.idempotencyKey,
				captureHash(input),
				ctx.now()
			]);
			return posted(returned, (fields) => ({
				holdId: fields.holdId as number,
				captured: fields.captured as number,
				released: fields.released as number
			}));
		},

		async release(input: ReleaseInput): Promise<Result<HoldResult>> {
			const invalid = checkKey(input.idempotencyKey);
			if (invalid) return invalid;
			const returned = await call('ledger_release', [
				input.holdId,
				input.userId ?? null,
				input.reason ?? null,
				input.actor,
				input.idempotencyKey,
				releaseHash(input),
				ctx.now()
			]);
			return posted(returned, (fields) => ({ holdId: fields.holdId as number }));
		},

		async clawback(input: ClawbackInput): Promise<Result<DeductResult>> {
			const invalid = checkClawback(input);
			if (invalid) return invalid;
			const { fromLotId = null, fromLotReference = null, reason = null, reference = null } = input;
			return deducted(
				await call('ledger_clawback', [
					input.userId,
					input.amount,
					input.code,
					fromLotId,
					fromLotReference,
					reason,
					reference,
					input.actor,
					input.idempotencyKey,
					clawbackHash(input),
					ctx.now()
				])
			);
		},

		async adjust(input: AdjustInput): Promise<Result<DeductResult>> {
			const invalid = checkAdjust(input);
			if (invalid) return invalid;
			const { force = false, reference = null } = input;
			return deducted(
				await call('ledger_adjust', [
					input.userId,
					input.amount,
					input.reason,
					force,
					reference,
					input.actor,
					input.idempotencyKey,
					adjustHash(input),
					ctx.now()
				])
			);
		},

		async expire(): Promise<ExpirySummary> {
			const summary: ExpirySummary = { accounts: 0, lots: 0, holds: 0, credits: 0 };
			for (;;) {
				const { rows } = await ctx.pool.query('SELECT ledger_expire_batch($1, $2) AS batch', [
					ctx.now(),
					sweepBatchSize
				]);
				const batch = rows[0].batch as { busy: boolean } & ExpirySummary;
				// Another instance is sweeping: it expires what is due, this one writes nothing.
				if (batch.busy) return summary;
				summary.accounts += batch.accounts;
				summary.lots += batch.lots;
				summary.holds += batch.holds;
				summary.credits += batch.credits;
				if (batch.accounts < sweepBatchSize) return summary;
			}
		},

		/**
		 * The ids this call added as a range (after, through], as SQLite's. On PostgreSQL it adds what has
		 * committed to rollup_queue, so a lower id that committed late comes as a range below the last one.
		 */
		async rollUp() {
			const { rows } = await ctx.pool.query('SELECT ledger_roll_up() AS range');
			return rows[0].range as { after: number; through: number };
		}
	};
}
