import type { AsyncLedger } from '../async';
import type { PgContext } from './context';

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
	void ctx;
	return {
		systemTotals: notYet,
		dailyTotals: notYet,
		balance: notYet,
		transfers: notYet,
		lots: notYet,
		holds: notYet,
		findHold: notYet,
		verify: notYet
	};
}
