/** Checks every ledger invariant on DATABASE_URL: prints `ok` (exit 0) or one line per violation (exit 1). */
import { openDatabase } from '../src/lib/server/db/index';
import { openPostgres } from '../src/lib/server/db/pg/index';
import { isPostgresUrl } from '../src/lib/server/db/url';
import { verifyLedger } from '../src/lib/server/ledger/index';
import { verifyPgLedger } from '../src/lib/server/ledger/pg/verify';
import { loadDotEnv } from './lib/env';

loadDotEnv();
const url = process.env.DATABASE_URL ?? 'data/credits.db';
const violations = isPostgresUrl(url) ? await verifyPostgres(url) : verifySqlite(url);
if (violations.length === 0) {
	console.log('ok');
} else {
	for (const violation of violations) console.log(violation);
	process.exitCode = 1;
}

function verifySqlite(file: string) {
	const db = openDatabase(file);
	// One read transaction: a snapshot, so a server writing meanwhile cannot make its queries disagree.
	const found = db.$client.transaction(() => verifyLedger(db.$client))();
	db.$client.close();
	return found;
}

/** verifyPgLedger reads in one snapshot of its own. */
async function verifyPostgres(connectionString: string) {
	const db = openPostgres(connectionString, { max: 1 });
	try {
		return await verifyPgLedger(db.$client);
	} finally {
		await db.$client.end();
	}
}
