/** Checks every ledger invariant on DATABASE_URL: prints `ok` (exit 0) or one line per violation (exit 1). */
import { openDatabase } from '../src/lib/server/db/index';
import { verifyLedger } from '../src/lib/server/ledger/index';
import { loadDotEnv } from './lib/env';

loadDotEnv();
const db = openDatabase(process.env.DATABASE_URL ?? 'data/credits.db');
// One read transaction: a snapshot, so a server writing meanwhile cannot make its queries disagree.
const violations = db.$client.transaction(() => verifyLedger(db.$client))();
db.$client.close();
if (violations.length === 0) {
	console.log('ok');
} else {
	for (const violation of violations) console.log(violation);
	process.exitCode = 1;
}
