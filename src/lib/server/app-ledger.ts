import { getDb, type Db } from './db';
import { createLedger, type Ledger, type LedgerError } from './ledger';
import { createOutboxWriter } from './webhooks/outbox';

const ledgers = new WeakMap<Db, Ledger>();

/** The ledger over a database, made once per database; its transfers feed the webhook outbox. */
export function getLedgerFor(db: Db): Ledger {
	let ledger = ledgers.get(db);
	if (!ledger) ledgers.set(db, (ledger = createLedger(db, { onPosted: createOutboxWriter(db) })));
	return ledger;
}

export function getLedger(): Ledger {
	return getLedgerFor(getDb());
}

type LedgerOutcome = { ok: true } | { ok: false; error: LedgerError };

/** For callers whose ledger write must succeed: a refusal throws, rolling back the enclosing transaction. */
export function requireLedgerOk(result: LedgerOutcome, what: string) {
	if (!result.ok) throw new Error(`${what}: ${result.error.message}`);
}
