import { exitOnConfigError } from './lib/config';
import { loadDotEnv } from './lib/env';
import { closeDatabase, openMigrated } from '../src/lib/server/db';
import { isPostgresUrl } from '../src/lib/server/db/url';

loadDotEnv();
const config = exitOnConfigError();
await closeDatabase(await openMigrated(config.DATABASE_URL));
console.log(`Migrated ${withoutPassword(config.DATABASE_URL)}`);

/** A PostgreSQL URL may carry a password; the log line names the database without it. */
function withoutPassword(url: string) {
	if (!isPostgresUrl(url)) return url;
	const parsed = new URL(url);
	parsed.password = '';
	return parsed.toString();
}
