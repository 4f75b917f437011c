import type Database from 'better-sqlite3';
import { effectOf } from './accounts';
import type { SystemAccountKind, TransferCode } from './schema';

type AccountRow = { id: number; kind: string; userId: string | null; dp: number; cp: number; dpe: number; cpe: number };
type TransferRow = [
	id: number,
	debitId: number,
	creditId: number,
	userAccountId: number,
	amount: number,
	code: TransferCode,
	holdId: number | null,
	balanceAfter: number,
	availableAfter: number
];

/** The system account each code moves credits against; `toUser` codes credit the user. */
function counterpartOf(code: TransferCode, holdId: number | null): { kind: SystemAccountKind; toUser: boolean } {
	if (code === 'purchase') return { kind: 'issued_purchase', toUser: true };
	if (code === 'grant') return { kind: 'issued_grant', toUser: true };
	if (code === 'reinstate') return { kind: 'clawed_back', toUser: true };
	if (code === 'refund' || code === 'dispute') return { kind: 'clawed_back', toUser: false };
	if (code === 'adjust') return { kind: 'adjusted', toUser: false };
	if (code === 'expire' && holdId === null) return { kind: 'expired', toUser: false };
	return { kind: 'spent', toUser: false };
}

/**
 * Replays every transfer in order: each account's counters must equal the sum of its transfers, each
 * balance_after/available_after must match the replay, and spends and holds never overdraw.
 */
export function verifyHistory(sqlite: Database.Database, report: (check: string, message: string) => void) {
	const accounts = new Map<number, AccountRow>();
	const rows = sqlite
		.prepare(`SELECT id, kind, user_id AS userId, debits_posted AS dp, credits_posted AS cp,
			debits_pending AS dpe, credits_pending AS cpe FROM accounts`)
		.all() as AccountRow[];
	for (const row of rows) accounts.set(row.id, row);
	const sums = new Map(rows.map((row) => [row.id, { dp: 0, cp: 0, dpe: 0, cpe: 0, balance: 0, pending: 0 }]));
	const iterator = sqlite
		.prepare(`SELECT id, debit_account_id, credit_account_id, user_account_id, amount, code, hold_id,
			balance_after, available_after FROM transfers ORDER BY id`)
		.raw()
		.iterate() as IterableIterator<TransferRow>;
	for (const [id, debitId, creditId, userAccountId, amount, code, holdId, balanceAfter, availableAfter] of iterator) {
		const user = accounts.get(userAccountId);
		const expected = counterpartOf(code, holdId);
		const systemId = expected.toUser ? debitId : creditId;
		const sides = expected.toUser ? creditId === userAccountId : debitId === userAccountId;
		if (user?.kind !== 'user' || !sides || accounts.get(systemId)?.kind !== expected.kind) {
			report('transfer_accounts', `transfer ${id} (${code}) does not move credits between a user and ${expected.kind}`);
			continue;
		}
		const { posted, pending } = effectOf(code, holdId, amount);
		const debit = sums.get(debitId)!;
		const credit = sums.get(creditId)!;
		debit.dp += posted;
		debit.dpe += pending;
		credit.cp += posted;
		credit.cpe += pending;
		const state = sums.get(userAccountId)!;
		state.balance += expected.toUser ? posted : -posted;
		state.pending += pending;
		const available = state.balance - state.pending;
		if (balanceAfter !== state.balance || availableAfter !== available) {
			report('balance_after', `transfer ${id} records balance ${balanceAfter}/available ${availableAfter}, replay gives ${state.balance}/${available}`);
			state.balance = balanceAfter;
			state.pending = balanceAfter - availableAfter;
		}
		if ((code === 'spend' || code === 'hold') && available < 0) {
			report('overspend', `transfer ${id} (${code}) left user ${user.userId} with ${available} available`);
		}
	}
	for (const [id, sum] of sums) {
		const row = accounts.get(id)!;
		if (row.dp !== sum.dp || row.cp !== sum.cp || row.dpe !== sum.dpe || row.cpe !== sum.cpe) {
			report(
				'counters',
				`account ${id} (${row.userId ?? row.kind}) counters ${row.dp}/${row.cp}/${row.dpe}/${row.cpe} ` +
					`(debits/credits posted, debits/credits pending) but its transfers sum to ${sum.dp}/${sum.cp}/${sum.dpe}/${sum.cpe}`
			);
		}
	}
}
