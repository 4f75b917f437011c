/**
 * Moves a SQLite database into an empty PostgreSQL one: migrates the target, copies every table in one
 * transaction, then checks every ledger invariant there. Exit 1 (and, before the copy, nothing written)
 * on any problem.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { copySqliteToPostgres, CopyRefused } from '../src/lib/server/db/copy';
import { openDatabase } from '../src/lib/server/db/index';
import { migratePostgres, openPostgres } from '../src/lib/server/db/pg/index';
import { isPostgresUrl } from '../src/lib/server/db/url';
import { verifyPgLedger } from '../src/lib/server/ledger/pg/verify';
import { loadDotEnv } from './lib/env';

const usage = 'Usage: npm run db:copy -- --to postgres://user@host/db [--from data/credits.db]';
const { values } = parseArgs({
	options: { from: { type: 'string' }, to: { type: 'string' } }
});
loadDotEnv();
const from = values.from ?? process.env.DATABASE_URL ?? 'data/credits.db';
if (!values.to || !isPostgresUrl(values.to))
	fail('--to: name the PostgreSQL database to copy into');
if (isPostgresUrl(from)) fail(`--from: ${from} is not a SQLite file`);
if (!existsSync(from)) fail(`--from: ${from} does not exist`);

// Migrated first, so a database from an older version carries every column the copy writes.
const source = openDatabase(from);
const target = openPostgres(values.to, { max: 1 });
try {
	await migratePostgres(target);
	const summary = await copySqliteToPostgres(source, target);
	for (const { table, rows } of summary) console.log(`${table}: ${rows} rows`);
	const violations = await verifyPgLedger(target.$client);
	if (violations.length > 0) {
		for (const violation of violations) console.log(violation);
		process.exitCode = 1;
	} else {
		console.log(`Copied ${from}; ledger:verify on the copy: ok`);
	}
} catch (error) {
	if (!(error instanceof CopyRefused)) throw error;
	console.error(error.message);
	process.exitCode = 1;
} finally {
	source.$client.close();
	await target.$client.end();
}

function fail(message: string): never {
	console.error(`${message}\n${usage}`);
	process.exit(1);
}
