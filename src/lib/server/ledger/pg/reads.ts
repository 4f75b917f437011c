import type { AsyncLedger } from '../async';
import type { PgContext } from './context';
import { verifyPgLedger } from './verify';

type Reads = Pick<
	AsyncLedger,
	| 'systemTotals'
	| 'dailyTotals'
	| 'balance'
	| 'transfers'
	| 'lots'
	| 'holds'
	| 'findHold'
	| 'verify'
>;

const notYet = () => Promise.reject(new Error('not implemented yet'));

export function readOperations(ctx: PgContext): Reads {
	return {
		systemTotals: notYet,
		dailyTotals: notYet,
		balance: notYet,
		transfers: notYet,
		lots: notYet,
		holds: notYet,
		findHold: notYet,
		verify: () => verifyPgLedger(ctx.pool)
	};
}
