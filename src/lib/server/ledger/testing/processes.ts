import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const worker = fileURLToPath(new URL('./spend-worker.ts', import.meta.url));

export type Tally = { spent: number; replayed: number; insufficient: number; other: string[] };

/** Starts a spend worker process on a SQLite file or a postgres:// URL; resolves `ready` once it has opened it. */
export function startSpendWorker(
	target: string,
	userId: string,
	attempts: number,
	keyPrefix: string
) {
	const child = spawn(
		process.execPath,
		['--import', 'tsx', worker, target, userId, String(attempts), keyPrefix],
		{
			stdio: ['pipe', 'pipe', 'inherit']
		}
	);
	let output = '';
	child.stdout.setEncoding('utf8');
	const ready = new Promise<void>((resolve) => {
		child.stdout.on('data', (chunk: string) => {
			output += chunk;
			if (output.startsWith('ready\n')) resolve();
		});
	});
	const done = once(child, 'exit').then(([code]) => {
		if (code !== 0) throw new Error(`spend worker exited with ${code}`);
		return JSON.parse(output.slice('ready\n'.length)) as Tally;
	});
	return { ready, done, go: () => child.stdin.write('go\n') };
}

/** Runs one of the package's tsx scripts against a database (a file or a postgres:// URL). */
export function runScript(script: string, databaseUrl: string) {
	const result = spawnSync(process.execPath, ['--import', 'tsx', script], {
		env: { ...process.env, DATABASE_URL: databaseUrl },
		encoding: 'utf8'
	});
	return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
