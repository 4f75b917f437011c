import type { AsyncLedger } from '../async';
import type { PgContext } from './context';

type Writes = Pick<
	AsyncLedger,
	'grant' | 'spend' | 'hold' | 'capture' | 'release' | 'clawback' | 'adjust' | 'expire' | 'rollUp'
>;

const notYet = () => Promise.reject(new Error('not implemented yet'));

export function writeOperations(ctx: PgContext): Writes {
	void ctx;
	return {
		grant: notYet,
		spend: notYet,
		hold: notYet,
		capture: notYet,
		release: notYet,
		clawback: notYet,
		adjust: notYet,
		expire: notYet,
		rollUp: notYet
	};
}
