import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { waitForHealthy } from './wait';

/** How node serves the built app: adapter-node's entry, or the cluster entry for several workers. */
export function serverArguments(workers: number): string[] {
	return workers > 1 ? ['--import', 'tsx', 'scripts/serve.ts'] : ['build'];
}

export type RunningServer = { url: string; pid: number; stop: () => Promise<number | null> };

/**
 * The built app as `npm start` serves it, on 127.0.0.1 and a free port, in demo mode without the
 * emulator (for benchmarks and tests that call nothing of Stripe). `onLine` hears its standard output.
 */
export async function startBuiltServer(options: {
	databaseUrl: string;
	workers: number;
	env?: NodeJS.ProcessEnv;
	onLine?: (line: string) => void;
}): Promise<RunningServer> {
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const server = spawn(process.execPath, serverArguments(options.workers), {
		env: {
			...process.env,
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: url,
			DATABASE_URL: options.databaseUrl,
			WEB_CONCURRENCY: String(options.workers),
			STRIPE_SECRET_KEY: '',
			STRIPE_WEBHOOK_SECRET: '',
			STRIPE_API_URL: '',
			...options.env
		},
		stdio: ['ignore', options.onLine ? 'pipe' : 'ignore', 'inherit']
	});
	if (options.onLine) createInterface({ input: server.stdout! }).on('line', options.onLine);
	const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
	await Promise.race([
		waitForHealthy(`${url}/healthz`),
		exited.then((code) => Promise.reject(new Error(`the server exited (${code})`)))
	]);
	return {
		url,
		pid: server.pid!,
		stop: () => {
			server.kill('SIGTERM');
			return exited;
		}
	};
}

/** A port nothing listens on now, for a server about to start. */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const address = probe.address();
			probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
}
