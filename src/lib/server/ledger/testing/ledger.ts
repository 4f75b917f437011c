import { openDatabase } from '../../db/index';
import { createLedger } from '../index';

export { dayMs } from '../time';

/** A ledger on a fresh in-memory database with a clock the test moves. */
export function createTestLedger(start = Date.UTC(2030, 0, 1)) {
	const db = openDatabase(':memory:');
	const clock = { now: start };
	const ledger = createLedger(db, { now: () => new Date(clock.now) });
	let keys = 0;
	return {
		db,
		ledger,
		clock,
		advance: (ms: number) => (clock.now += ms),
		at: (ms: number) => new Date(clock.now + ms),
		/** A fresh idempotency key. */
		key: () => `key-${++keys}`
	};
}
