import { getDb } from './db';
import { perDatabase } from './db/per-database';
import { createLedger, type Ledger, type LedgerError } from './ledger';
import { createOutboxWriter } from './webhooks/outbox';

/** The ledger over a database, made once per database; its transfers feed the webhook outbox. */
export const getLedgerFor = perDatabase((db) =>
	createLedger(db, { onPosted: createOutboxWriter(db) })
);

export function getLedger(): Ledger {
	return getLedgerFor(getDb());
}

type LedgerOutcome = { ok: true } | { ok: false; error: LedgerError };

/** For callers whose ledger write must succeed: a refusal throws, rolling back the enclosing transaction. */
export function requireLedgerOk(result: LedgerOutcome, what: string) {
	if (!result.ok) throw new Error(`${what}: ${result.error.message}`);
}
