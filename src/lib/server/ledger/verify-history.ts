import type Database from 'better-sqlite3';
import type { SystemAccountKind, TransferCode } from './schema';
import type { Report } from './verify';

type Counters = {
	debitsPosted: number;
	creditsPosted: number;
	debitsPending: number;
	creditsPending: number;
};
export type AccountRow = Counters & {
	id: number;
	kind: string;
	userId: string | null;
	lastTransferId: number | null;
	rolledUpThrough: number | null;
};
export type TransferRow = [
	id: number,
	debitId: number,
	creditId: number,
	userAccountId: number,
	amount: number,
	code: TransferCode,
	holdId: number | null,
	balanceAfter: number,
	availableAfter: number,
	prevId: number | null
];

// verify's own copy of transfer-codes.ts, on purpose: the checker does not trust the table it checks.
// transfer-codes.spec.ts keeps the two in agreement.

/** The system account each code moves credits against; `toUser` codes credit the user. */
export function counterpartOf(
	code: TransferCode,
	holdId: number | null
): { kind: SystemAccountKind; toUser: boolean } {
	if (code === 'purchase') return { kind: 'issued_purchase', toUser: true };
	if (code === 'grant') return { kind: 'issued_grant', toUser: true };
	if (code === 'reinstate') return { kind: 'clawed_back', toUser: true };
	if (code === 'refund' || code === 'dispute') return { kind: 'clawed_back', toUser: false };
	if (code === 'adjust') return { kind: 'adjusted', toUser: false };
	if (code === 'expire' && holdId === null) return { kind: 'expired', toUser: false };
	return { kind: 'spent', toUser: false };
}

/** How a transfer moves the posted and pending counters: a hold reserves, a capture posts, the rest voids. */
export function expectedEffectOf(code: TransferCode, holdId: number | null, amount: number) {
	if (holdId === null) return { posted: amount, pending: 0 };
	if (code === 'hold') return { posted: 0, pending: amount };
	if (code === 'capture') return { posted: amount, pending: -amount };
	return { posted: 0, pending: -amount };
}

export const historyAccountsQuery = `SELECT id, kind, user_id AS "userId", debits_posted AS "debitsPosted",
	credits_posted AS "creditsPosted", debits_pending AS "debitsPending", credits_pending AS "creditsPending",
	last_transfer_id AS "lastTransferId", rolled_up_through AS "rolledUpThrough" FROM accounts`;
/** Read as arrays in TransferRow's order, ascending by id. */
export const historyTransfersQuery = `SELECT id, debit_account_id, credit_account_id, user_account_id, amount, code,
	hold_id, balance_after, available_after, prev_id FROM transfers`;

/**
 * Replays every transfer in order: each account's counters must equal the sum of its transfers (a system
 * account's, those it has rolled up), all accounts must sum to zero, each balance_after/available_after
 * must match the replay, each user's transfers must chain through prev_id, and spends and holds never
 * overdraw.
 */
export function verifyHistory(sqlite: Database.Database, report: Report) {
	const replay = historyReplay(
		sqlite.prepare(historyAccountsQuery).all() as AccountRow[],
		report,
		(transferId, system) => transferId <= (system.rolledUpThrough ?? 0)
	);
	const iterator = sqlite
		.prepare(`${historyTransfersQuery} ORDER BY id`)
		.raw()
		.iterate() as IterableIterator<TransferRow>;
	for (const row of iterator) replay.add(row);
	replay.finish();
}

/**
 * verifyHistory's replay, fed one transfer at a time in id order. `rolledUp` tells whether a system
 * account's stored counters already count a transfer (SQLite: up to rolled_up_through; PostgreSQL: not
 * in rollup_queue).
 */
export function historyReplay(
	rows: AccountRow[],
	report: Report,
	rolledUp: (transferId: number, system: AccountRow) => boolean
) {
	const accounts = new Map<number, AccountRow>();
	for (const row of rows) accounts.set(row.id, row);
	const zero = () => ({ debitsPosted: 0, creditsPosted: 0, debitsPending: 0, creditsPending: 0 });
	const sums = new Map(
		rows.map((row) => [row.id, { ...zero(), balance: 0, onHold: 0, last: null as number | null }])
	);
	// What system accounts gained after their roll-up: the part their stored counters do not show yet.
	const tails = new Map(rows.map((row) => [row.id, zero()]));
	const add = ([
		id,
		debitId,
		creditId,
		userAccountId,
		amount,
		code,
		holdId,
		balanceAfter,
		availableAfter,
		prevId
	]: TransferRow) => {
		const user = accounts.get(userAccountId);
		const expected = counterpartOf(code, holdId);
		const systemId = expected.toUser ? debitId : creditId;
		const sides = expected.toUser ? creditId === userAccountId : debitId === userAccountId;
		const system = accounts.get(systemId);
		if (user?.kind !== 'user' || !sides || system?.kind !== expected.kind) {
			report(
				'transfer_accounts',
				`transfer ${id} (${code}) does not move credits between a user and ${expected.kind}`
			);
			return;
		}
		const { posted, pending } = expectedEffectOf(code, holdId, amount);
		const counted = rolledUp(id, system);
		const debit = (debitId === systemId && !counted ? tails : sums).get(debitId)!;
		const credit = (creditId === systemId && !counted ? tails : sums).get(creditId)!;
		debit.debitsPosted += posted;
		debit.debitsPending += pending;
		credit.creditsPosted += posted;
		credit.creditsPending += pending;
		const state = sums.get(userAccountId)!;
		if (prevId !== state.last) {
			report(
				'history_chain',
				`transfer ${id} links to ${prevId ?? 'nothing'}, but the account's previous transfer is ${state.last ?? 'none'}`
			);
		}
		state.last = id;
		state.balance += expected.toUser ? posted : -posted;
		state.onHold += pending;
		const available = state.balance - state.onHold;
		if (balanceAfter !== state.balance || availableAfter !== available) {
			report(
				'balance_after',
				`transfer ${id} records balance ${balanceAfter}/available ${availableAfter}, replay gives ${state.balance}/${available}`
			);
			state.balance = balanceAfter;
			state.onHold = balanceAfter - availableAfter;
		}
		if ((code === 'spend' || code === 'hold') && available < 0) {
			report(
				'overspend',
				`transfer ${id} (${code}) left user ${user.userId} with ${available} available`
			);
		}
	};
	const finish = () => {
		const total = { posted: 0, pending: 0 };
		for (const [id, sum] of sums) {
			const row = accounts.get(id)!;
			if (countersOf(row) !== countersOf(sum)) {
				report(
					'counters',
					`account ${id} (${row.userId ?? row.kind}) counters ${countersOf(row)} ` +
						`(debits/credits posted, debits/credits pending) but its transfers sum to ${countersOf(sum)}`
				);
			}
			if (row.kind === 'user' && row.lastTransferId !== sum.last) {
				report(
					'history_chain',
					`account ${id} (${row.userId}) starts its history at ${row.lastTransferId ?? 'nothing'}, not at ${sum.last ?? 'none'}`
				);
			}
			const tail = tails.get(id)!;
			total.posted += row.creditsPosted + tail.creditsPosted - row.debitsPosted - tail.debitsPosted;
			total.pending +=
				row.creditsPending + tail.creditsPending - row.debitsPending - tail.debitsPending;
		}
		if (total.posted !== 0 || total.pending !== 0) {
			report(
				'zero_sum',
				`accounts do not sum to zero: posted ${total.posted}, pending ${total.pending}`
			);
		}
	};
	return { add, finish };
}

function countersOf(counters: Counters) {
	return `${counters.debitsPosted}/${counters.creditsPosted}/${counters.debitsPending}/${counters.creditsPending}`;
}
