/**
 * Expires every due lot and hold on DATABASE_URL and rolls the system accounts up (the server also runs
 * this sweep on a timer). Expired holds go to the webhook outbox; the server's dispatcher sends them.
 */
import { getLedgerFor } from '../src/lib/server/app-ledger';
import { closeDatabase, openMigrated } from '../src/lib/server/db/index';
import { loadDotEnv } from './lib/env';

loadDotEnv();
const db = await openMigrated(process.env.DATABASE_URL ?? 'data/credits.db');
const ledger = getLedgerFor(db);
const { accounts, lots, holds, credits } = await ledger.expire();
const { through } = await ledger.rollUp();
await closeDatabase(db);
console.log(
	`expired ${credits} credits from ${lots} lots and ${holds} holds in ${accounts} accounts`
);
console.log(`system accounts rolled up through transfer ${through}`);
