import { exitOnConfigError } from './lib/config';
import { loadDotEnv } from './lib/env';
import { openDatabase } from '../src/lib/server/db';
import { migratePostgres, openPostgres } from '../src/lib/server/db/pg/index';
import { isPostgresUrl } from '../src/lib/server/db/url';

loadDotEnv();
const url = process.env.DATABASE_URL ?? '';
if (isPostgresUrl(url)) {
	const db = openPostgres(url, { max: 1 });
	await migratePostgres(db);
	await db.$client.end();
	console.log(`Migrated ${withoutPassword(url)}`);
} else {
	const config = exitOnConfigError();
	openDatabase(config.DATABASE_URL).$client.close();
	console.log(`Migrated ${config.DATABASE_URL}`);
}

/** A PostgreSQL URL may carry a password; the log line names the database without it. */
function withoutPassword(postgresUrl: string) {
	const parsed = new URL(postgresUrl);
	parsed.password = '';
	return parsed.toString();
}
