import { eq, inArray } from 'drizzle-orm';
import { getLedgerFor } from '../app-ledger';
import { findUserByEmail } from '../auth/accounts';
import type { Db } from '../db';
import { transferMetadata, users } from '../db/schema';
import { first, ledger, perform, run, type Unit } from '../db/unit';
import type { TransferEntry } from '../ledger';
import { actorOf, type ApiCaller, type TrustedCaller } from './caller';
import { apiFailure, fromLedger, type ApiOutcome } from './errors';
import type {
	BalanceQuery,
	BalanceResponse,
	CaptureRequest,
	GrantRequest,
	GrantResponse,
	HoldRequest,
	HoldResponse,
	ReleaseRequest,
	SpendRequest,
	SpendResponse,
	Transaction,
	TransactionsQuery,
	TransactionsResponse,
	UserResponse
} from './schemas';

/**
 * The credits API as plain functions: the HTTP routes are thin wrappers over these, and the app's own
 * features (e.g. /demo) call them in-process with an `app` caller. Each returns a value, never throws
 * for a caller's mistake. Idempotency keys are the caller's, kept in the ledger as `api:<key>`. The
 * writes are units, so that runOnce (idempotency.ts) commits each with the response it stores.
 */

const ledgerKey = (key: string) => `api:${key}`;
const ok = <T>(value: T) => ({ ok: true as const, value });

function userNotFound(userId: string) {
	return apiFailure('user_not_found', `no user has id "${userId}"`, 'user_id');
}

function* userExists(tx: Db, userId: string): Unit<boolean> {
	const found = yield* first(
		tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).limit(1)
	);
	return found !== undefined;
}

/** The user a read is about: a session reads only its own, and learns nothing of anyone else. */
async function targetOf(
	db: Db,
	caller: ApiCaller,
	userId: string | undefined
): Promise<ApiOutcome<string>> {
	if (caller.kind === 'session') {
		if (userId !== undefined && userId !== caller.userId)
			return apiFailure('forbidden', 'a session may only read its own account', 'user_id');
		return ok(caller.userId);
	}
	if (userId === undefined) return apiFailure('invalid_request', 'user_id is required', 'user_id');
	return (await perform(db, userExists(db, userId))) ? ok(userId) : userNotFound(userId);
}

export async function getBalance(
	db: Db,
	caller: ApiCaller,
	query: BalanceQuery
): Promise<ApiOutcome<BalanceResponse>> {
	const target = await targetOf(db, caller, query.user_id);
	if (!target.ok) return target;
	const balance = await getLedgerFor(db).balance(target.value);
	return ok({
		user_id: target.value,
		balance: balance.balance,
		available: balance.available,
		on_hold: balance.onHold,
		expiring_soon: balance.expiringSoon,
		debt: balance.debt
	});
}

export function* spendCredits(
	tx: Db,
	caller: TrustedCaller,
	input: SpendRequest
): Unit<ApiOutcome<SpendResponse>> {
	if (!(yield* userExists(tx, input.user_id))) return userNotFound(input.user_id);
	const result = yield* ledger((l) =>
		l.spend({
			userId: input.user_id,
			amount: input.amount,
			reason: input.reason,
			actor: actorOf(caller),
			idempotencyKey: ledgerKey(input.idempotency_key)
		})
	);
	if (!result.ok) return fromLedger(result.error);
	// The metadata row commits with the transfer: run the unit in a transaction (runOnce does).
	if (input.metadata && !result.replayed) {
		yield* run(
			tx
				.insert(transferMetadata)
				.values({ transferId: result.transferId, metadata: input.metadata })
		);
	}
	return ok({
		transfer_id: result.transferId,
		balance: result.balance,
		available: result.available
	});
}

export function* holdCredits(
	tx: Db,
	caller: TrustedCaller,
	input: HoldRequest,
	now = Date.now()
): Unit<ApiOutcome<HoldResponse>> {
	if (!(yield* userExists(tx, input.user_id))) return userNotFound(input.user_id);
	const result = yield* ledger((l) =>
		l.hold({
			userId: input.user_id,
			amount: input.amount,
			expiresAt: new Date(now + input.expires_in_seconds * 1000),
			reason: input.reason ?? null,
			actor: actorOf(caller),
			idempotencyKey: ledgerKey(input.idempotency_key)
		})
	);
	return result.ok ? yield* holdOf(result.holdId, result) : fromLedger(result.error);
}

export function* captureHold(
	_tx: Db,
	caller: TrustedCaller,
	holdId: number,
	input: CaptureRequest
): Unit<ApiOutcome<HoldResponse>> {
	const result = yield* ledger((l) =>
		l.capture({
			holdId,
			amount: input.amount,
			actor: actorOf(caller),
			idempotencyKey: ledgerKey(input.idempotency_key)
		})
	);
	return result.ok ? yield* holdOf(holdId, result) : fromLedger(result.error);
}

/** The key a release without one uses: one per hold, so a retried release replays. */
export function releaseKeyOf(holdId: number | string, input: ReleaseRequest) {
	return input.idempotency_key ?? `release:hold:${holdId}`;
}

export function* releaseHold(
	_tx: Db,
	caller: TrustedCaller,
	holdId: number,
	input: ReleaseRequest
): Unit<ApiOutcome<HoldResponse>> {
	const result = yield* ledger((l) =>
		l.release({
			holdId,
			actor: actorOf(caller),
			idempotencyKey: ledgerKey(releaseKeyOf(holdId, input))
		})
	);
	return result.ok ? yield* holdOf(holdId, result) : fromLedger(result.error);
}

/** A unit, as it shares holdOf with the writes: run it with `perform`. */
export function* getHold(
	_tx: Db,
	_caller: TrustedCaller,
	holdId: number
): Unit<ApiOutcome<HoldResponse>> {
	const found = yield* ledger((l) => l.findHold(holdId));
	if (!found) return apiFailure('hold_not_found', `no hold ${holdId}`);
	// Reading the balance expires what is due, this hold included: its status is then current.
	const account = yield* ledger((l) => l.balance(found.userId));
	return yield* holdOf(holdId, account);
}

function* holdOf(
	holdId: number,
	account: { balance: number; available: number }
): Unit<ApiOutcome<HoldResponse>> {
	const hold = (yield* ledger((l) => l.findHold(holdId)))!;
	return ok({
		hold_id: hold.id,
		user_id: hold.userId,
		status: hold.status,
		amount: hold.amount,
		captured: hold.capturedAmount,
		expires_at: hold.expiresAt.toISOString(),
		balance: account.balance,
		available: account.available
	});
}

export function* grantCredits(
	tx: Db,
	caller: TrustedCaller,
	input: GrantRequest
): Unit<ApiOutcome<GrantResponse>> {
	if (!(yield* userExists(tx, input.user_id))) return userNotFound(input.user_id);
	const result = yield* ledger((l) =>
		l.grant({
			userId: input.user_id,
			amount: input.amount,
			category: input.category,
			expiresAt: input.expires_at ? new Date(input.expires_at) : null,
			reason: input.reason,
			actor: actorOf(caller),
			idempotencyKey: ledgerKey(input.idempotency_key)
		})
	);
	if (!result.ok) return fromLedger(result.error);
	return ok({
		transfer_id: result.transferId,
		balance: result.balance,
		available: result.available
	});
}

export async function listTransactions(
	db: Db,
	caller: ApiCaller,
	query: TransactionsQuery
): Promise<ApiOutcome<TransactionsResponse>> {
	const target = await targetOf(db, caller, query.user_id);
	if (!target.ok) return target;
	const page = await getLedgerFor(db).transfers({
		userId: target.value,
		code: query.type,
		limit: query.limit ?? 20,
		cursor: query.starting_after
	});
	const metadata = await metadataOf(
		db,
		page.items.map((item) => item.id)
	);
	return ok({
		data: page.items.map((item) => transactionOf(item, metadata.get(item.id) ?? null)),
		has_more: page.nextCursor !== null,
		next_cursor: page.nextCursor
	});
}

async function metadataOf(db: Db, transferIds: number[]) {
	if (transferIds.length === 0) return new Map<number, Record<string, string>>();
	const rows = await db
		.select()
		.from(transferMetadata)
		.where(inArray(transferMetadata.transferId, transferIds));
	return new Map(rows.map((row) => [row.transferId, row.metadata]));
}

function transactionOf(entry: TransferEntry, metadata: Record<string, string> | null): Transaction {
	return {
		id: entry.id,
		type: entry.code,
		amount: entry.amount,
		balance_change: entry.balanceDelta,
		balance_after: entry.balanceAfter,
		hold_id: entry.holdId,
		reason: entry.reason,
		reference: entry.reference,
		metadata,
		created_at: entry.createdAt.toISOString()
	};
}

export async function findUser(
	db: Db,
	_caller: TrustedCaller,
	{ email }: { email: string }
): Promise<ApiOutcome<UserResponse>> {
	const user = await findUserByEmail(db, email);
	if (!user) return apiFailure('user_not_found', 'no user has that email', 'email');
	return ok({ user_id: user.id, email: user.email, created_at: user.createdAt.toISOString() });
}
