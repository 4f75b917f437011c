/** Expires every due lot and hold on DATABASE_URL (the server also runs this sweep on a timer). */
import { openDatabase } from '../src/lib/server/db/index';
import { createLedger } from '../src/lib/server/ledger/index';

const db = openDatabase(process.env.DATABASE_URL ?? 'data/credits.db');
const { accounts, lots, holds, credits } = createLedger(db).expire();
db.$client.close();
console.log(`expired ${credits} credits from ${lots} lots and ${holds} holds in ${accounts} accounts`);
