import { getDb, type Db } from './db';
import type { PgDb } from './db/pg';
import { perDatabase } from './db/per-database';
import { createLedger, type Ledger, type LedgerError } from './ledger';
import { awaitable, type AsyncLedger } from './ledger/async';
import { createPgLedger } from './ledger/pg';
import { createOutboxWriter } from './webhooks/outbox';
import { isPostgres } from './db/unit';

/** SQLite's synchronous ledger over a database, made once; its transfers feed the webhook outbox. */
export const sqliteLedgerFor = perDatabase((db) =>
	createLedger(db, { onPosted: createOutboxWriter(db) })
);

/** PostgreSQL's ledger over a pool or one transaction's client. */
export const pgLedgerFor = perDatabase((db) => createPgLedger(db as unknown as PgDb));

const awaitableFor = perDatabase((db) => awaitable(sqliteLedgerFor(db)));

/** The ledger as app code awaits it, on either backend. */
export function getLedgerFor(db: Db): AsyncLedger {
	return isPostgres(db) ? pgLedgerFor(db) : awaitableFor(db);
}

export function getLedger(): AsyncLedger {
	return getLedgerFor(getDb());
}

export type { AsyncLedger, Ledger };

type LedgerOutcome = { ok: true } | { ok: false; error: LedgerError };

/** For callers whose ledger write must succeed: a refusal throws, rolling back the enclosing transaction. */
export function requireLedgerOk(result: LedgerOutcome, what: string) {
	if (!result.ok) throw new Error(`${what}: ${result.error.message}`);
}
