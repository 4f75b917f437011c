import { getDb, type Db } from './db';
import { createLedger, type Ledger } from './ledger';

const ledgers = new WeakMap<Db, Ledger>();

/** The ledger over a database, made once per database. */
export function getLedgerFor(db: Db): Ledger {
	let ledger = ledgers.get(db);
	if (!ledger) ledgers.set(db, (ledger = createLedger(db)));
	return ledger;
}

export function getLedger(): Ledger {
	return getLedgerFor(getDb());
}
