/** Copies DATABASE_URL into `--out FILE` while the server keeps running; `--force` overwrites FILE. */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { backupDatabase } from '../src/lib/server/db/backup';
import { openDatabase } from '../src/lib/server/db/index';
import { isPostgresUrl } from '../src/lib/server/db/url';
import { loadDotEnv } from './lib/env';

const usage = 'Usage: npm run db:backup -- --out backups/credits.db [--force]';
const { values } = parseArgs({
	options: { out: { type: 'string' }, force: { type: 'boolean', default: false } }
});
loadDotEnv();
const file = process.env.DATABASE_URL || 'data/credits.db';
if (isPostgresUrl(file)) {
	fail('db:backup copies a SQLite file; back PostgreSQL up with pg_dump (docs/scaling.md)');
}
if (!values.out) fail('--out: name the file to write the backup to');
if (!existsSync(file)) fail(`DATABASE_URL ${file} does not exist`);

// Migrating is the server's job: a backup copies the database as it is.
const db = openDatabase(file, { migrate: false });
const result = await backupDatabase(db.$client, values.out, { force: values.force });
db.$client.close();
if (!result.ok) fail(result.message);
console.log(`Backed up ${file} to ${result.path} (${result.bytes} bytes)`);

function fail(message: string): never {
	console.error(`${message}\n${usage}`);
	process.exit(1);
}
