import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { databaseUrl, dropDatabase } from '../../../../../tests/postgres/cluster';
import { openPostgres, type PgDb } from './index';

/**
 * A fresh, migrated PostgreSQL database (a copy of the template global-setup migrated), or with
 * `migrated: false` an empty one, for one test or one file; `drop()` ends its connections and removes it.
 */
export async function createPgTestDatabase(options: { max?: number; migrated?: boolean } = {}) {
	const server = inject('postgresUrl');
	const name = `test_${randomBytes(6).toString('hex')}`;
	const admin = new pg.Client({ connectionString: server });
	await admin.connect();
	const template = (options.migrated ?? true) ? ' TEMPLATE credits_template' : '';
	await admin.query(`CREATE DATABASE ${name}${template}`);
	await admin.end();
	// A test that waits on a lock or a statement fails saying so, with fast-check's seed, instead of
	// running into the test's own timeout silently.
	const url = `${databaseUrl(server, name)}?options=${encodeURIComponent('-c lock_timeout=20s -c statement_timeout=30s')}`;
	const db: PgDb = openPostgres(url, { max: options.max ?? 4 });
	return {
		db,
		url,
		async drop() {
			await db.$client.end();
			const client = new pg.Client({ connectionString: server });
			await client.connect();
			await dropDatabase(client, name);
			await client.end();
		}
	};
}
