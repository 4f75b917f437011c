import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type pg from 'pg';

const script = resolve('scripts/postgres-cluster.sh');

async function freePort() {
	return new Promise<number>((done, fail) => {
		const server = createServer();
		server.once('error', fail);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => done(port));
		});
	});
}

/**
 * The PostgreSQL server tests run against: TEST_POSTGRES_URL when set (.ci/run starts one), else a
 * throwaway cluster started here and stopped by `stop()`.
 */
export async function postgresServer(): Promise<{ url: string; stop: () => void }> {
	const given = process.env.TEST_POSTGRES_URL;
	if (given) return { url: given, stop: () => {} };
	const dir = mkdtempSync(join(tmpdir(), 'credits-pg-'));
	const url = execFileSync(script, ['start', dir, String(await freePort())], {
		encoding: 'utf8'
	}).trim();
	return { url, stop: () => execFileSync(script, ['stop', dir]) };
}

/** The same server, another database. */
export function databaseUrl(serverUrl: string, database: string) {
	const url = new URL(serverUrl);
	url.pathname = `/${database}`;
	return url.toString();
}

/**
 * Drops a database once its connections have left: pg's pool.end() resolves while a backend may
 * still be exiting, and DROP … WITH (FORCE) would then terminate it with an error that pg raises on
 * the pool as an 'error' event outside any await (an uncaught exception in the test run or script).
 */
export async function dropDatabase(admin: pg.Client, database: string) {
	for (let tries = 0; tries < 100; tries++) {
		const { rows } = await admin.query(
			'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1',
			[database]
		);
		if (Number(rows[0].n) === 0) break;
		await new Promise((done) => setTimeout(done, 50));
	}
	await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
}
