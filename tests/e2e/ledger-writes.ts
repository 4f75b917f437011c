import { openDatabase } from '../../src/lib/server/db';
import { createLedger, type Ledger } from '../../src/lib/server/ledger';
import { readE2eDb } from './raw-http';

/** Writes into the e2e server's database with the app's own ledger, as another service would. */
export function writeE2eLedger<T>(write: (ledger: Ledger) => T): T {
	const db = openDatabase('tests/.tmp/e2e.db', { migrate: false });
	try {
		return write(createLedger(db));
	} finally {
		db.$client.close();
	}
}

export function userIdOf(email: string): string {
	return readE2eDb(
		(db) => db.prepare('select id from users where email = ?').pluck().get(email) as string
	);
}
