import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

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
