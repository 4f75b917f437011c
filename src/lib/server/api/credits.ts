import { eq, inArray, sql } from 'drizzle-orm';
import { getLedgerFor } from '../app-ledger';
import { findUserByEmail } from '../auth/accounts';
import type { Db } from '../db';
import { perDatabase } from '../db/per-database';
import { transferMetadata, users } from '../db/schema';
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
 * for a caller's mistake. Idempotency keys are the caller's, kept in the ledger as `api:<key>`.
 */

const statements = perDatabase((db) => ({
	userExists: db
		.select({ id: users.id })
		.from(users)
		.where(eq(users.id, sql.placeholder('id')))
		.prepare()
}));

const ledgerKey = (key: string) => `api:${key}`;
const ok = <T>(value: T) => ({ ok: true as const, value });

function userNotFound(userId: string) {
	return apiFailure('user_not_found', `no user has id "${userId}"`, 'user_id');
}

function userExists(db: Db, userId: string) {
	return statements(db).userExists.get({ id: userId }) !== undefined;
}

/** The user a read is about: a session reads only its own, and learns nothing of anyone else. */
function targetOf(db: Db, caller: ApiCaller, userId: string | undefined): ApiOutcome<string> {
	if (caller.kind === 'session') {
		if (userId !== undefined && userId !== caller.userId)
			return apiFailure('forbidden', 'a session may only read its own account', 'user_id');
		return ok(caller.userId);
	}
	if (userId === undefined) return apiFailure('invalid_request', 'user_id is required', 'user_id');
	return userExists(db, userId) ? ok(userId) : userNotFound(userId);
}

export function getBalance(
	db: Db,
	caller: ApiCaller,
	query: BalanceQuery
): ApiOutcome<BalanceResponse> {
	const target = targetOf(db, caller, query.user_id);
	if (!target.ok) return target;
	const balance = getLedgerFor(db).balance(target.value);
	return ok({
		user_id: target.value,
		balance: balance.balance,
		available: balance.available,
		on_hold: balance.onHold,
		expiring_soon: balance.expiringSoon,
		debt: balance.debt
	});
}

export function spendCredits(
	db: Db,
	caller: TrustedCaller,
	input: SpendRequest
): ApiOutcome<SpendResponse> {
	if (!userExists(db, input.user_id)) return userNotFound(input.user_id);
	const spend = () => {
		const result = getLedgerFor(db).spend({
			userId: input.user_id,
			amount: input.amount,
			reason: input.reason,
			actor: actorOf(caller),
			idempotencyKey: ledgerKey(input.idempotency_key)
		});
		if (!result.ok) return fromLedger(result.error);
		if (input.metadata && !result.replayed) {
			db.insert(transferMetadata)
				.values({ transferId: result.transferId, metadata: input.metadata })
				.run();
		}
		return ok({
			transfer_id: result.transferId,
			balance: result.balance,
			available: result.available
		});
	};
	// Only a spend with metadata writes a second row, which must commit with the transfer.
	return input.metadata ? db.$client.transaction(spend).immediate() : spend();
}

export function holdCredits(
	db: Db,
	caller: TrustedCaller,
	input: HoldRequest,
	now = Date.now()
): ApiOutcome<HoldResponse> {
	if (!userExists(db, input.user_id)) return userNotFound(input.user_id);
	const result = getLedgerFor(db).hold({
		userId: input.user_id,
		amount: input.amount,
		expiresAt: new Date(now + input.expires_in_seconds * 1000),
		reason: input.reason ?? null,
		actor: actorOf(caller),
		idempotencyKey: ledgerKey(input.idempotency_key)
	});
	return result.ok ? holdOf(db, result.holdId, result) : fromLedger(result.error);
}

export function captureHold(
	db: Db,
	caller: TrustedCaller,
	holdId: number,
	input: CaptureRequest
): ApiOutcome<HoldResponse> {
	const result = getLedgerFor(db).capture({
		holdId,
		amount: input.amount,
		actor: actorOf(caller),
		idempotencyKey: ledgerKey(input.idempotency_key)
	});
	return result.ok ? holdOf(db, holdId, result) : fromLedger(result.error);
}

/** The key a release without one uses: one per hold, so a retried release replays. */
export function releaseKeyOf(holdId: number | string, input: ReleaseRequest) {
	return input.idempotency_key ?? `release:hold:${holdId}`;
}

export function releaseHold(
	db: Db,
	caller: TrustedCaller,
	holdId: number,
	input: ReleaseRequest
): ApiOutcome<HoldResponse> {
	const result = getLedgerFor(db).release({
		holdId,
		actor: actorOf(caller),
		idempotencyKey: ledgerKey(releaseKeyOf(holdId, input))
	});
	return result.ok ? holdOf(db, holdId, result) : fromLedger(result.error);
}

export function getHold(db: Db, _caller: TrustedCaller, holdId: number): ApiOutcome<HoldResponse> {
	const ledger = getLedgerFor(db);
	const found = ledger.findHold(holdId);
	if (!found) return apiFailure('hold_not_found', `no hold ${holdId}`);
	// Reading the balance expires what is due, this hold included: its status is then current.
	return holdOf(db, holdId, ledger.balance(found.userId));
}

function holdOf(
	db: Db,
	holdId: number,
	account: { balance: number; available: number }
): ApiOutcome<HoldResponse> {
	const hold = getLedgerFor(db).findHold(holdId)!;
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

export function grantCredits(
	db: Db,
	caller: TrustedCaller,
	input: GrantRequest
): ApiOutcome<GrantResponse> {
	if (!userExists(db, input.user_id)) return userNotFound(input.user_id);
	const result = getLedgerFor(db).grant({
		userId: input.user_id,
		amount: input.amount,
		category: input.category,
		expiresAt: input.expires_at ? new Date(input.expires_at) : null,
		reason: input.reason,
		actor: actorOf(caller),
		idempotencyKey: ledgerKey(input.idempotency_key)
	});
	if (!result.ok) return fromLedger(result.error);
	return ok({
		transfer_id: result.transferId,
		balance: result.balance,
		available: result.available
	});
}

export function listTransactions(
	db: Db,
	caller: ApiCaller,
	query: TransactionsQuery
): ApiOutcome<TransactionsResponse> {
	const target = targetOf(db, caller, query.user_id);
	if (!target.ok) return target;
	const page = getLedgerFor(db).transfers({
		userId: target.value,
		code: query.type,
		limit: query.limit ?? 20,
		cursor: query.starting_after
	});
	const metadata = metadataOf(
		db,
		page.items.map((item) => item.id)
	);
	return ok({
		data: page.items.map((item) => transactionOf(item, metadata.get(item.id) ?? null)),
		has_more: page.nextCursor !== null,
		next_cursor: page.nextCursor
	});
}

function metadataOf(db: Db, transferIds: number[]) {
	if (transferIds.length === 0) return new Map<number, Record<string, string>>();
	const rows = db
		.select()
		.from(transferMetadata)
		.where(inArray(transferMetadata.transferId, transferIds))
		.all();
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

export function findUser(
	db: Db,
	_caller: TrustedCaller,
	{ email }: { email: string }
): ApiOutcome<UserResponse> {
	const user = findUserByEmail(db, email);
	if (!user) return apiFailure('user_not_found', 'no user has that email', 'email');
	return ok({ user_id: user.id, email: user.email, created_at: user.createdAt.toISOString() });
}
