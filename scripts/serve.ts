/**
 * Serves the built app with WEB_CONCURRENCY node:cluster workers sharing PORT and the one SQLite file
 * (WAL; every ledger write is a BEGIN IMMEDIATE transaction, so writers queue on the file's lock). Only
 * the first worker runs the background jobs; a worker that dies is replaced in the same role.
 */
import cluster, { type Worker } from 'node:cluster';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { closeDatabase, openMigrated } from '../src/lib/server/db';
import { jobsWorkerVariable } from '../src/lib/server/jobs';
import { exitOnConfigError } from './lib/config';

if (cluster.isPrimary) {
	const config = exitOnConfigError();
	// Migrated once here, so that workers starting together never race to migrate.
	await closeDatabase(await openMigrated(config.DATABASE_URL));
	let stopping = false;
	const fork = (runsJobs: boolean) => {
		const worker = cluster.fork(runsJobs ? { [jobsWorkerVariable]: '1' } : {});
		let listening = false;
		worker.once('listening', () => (listening = true));
		worker.once('exit', (code, signal) => replace(worker, runsJobs, listening, signal ?? code));
	};
	const replace = (worker: Worker, runsJobs: boolean, listening: boolean, how: unknown) => {
		if (stopping) return;
		console.error(`Worker ${worker.process.pid} exited (${how})`);
		// One that never listened would fail again at once: stop rather than restart it forever.
		if (!listening) return stop(1);
		fork(runsJobs);
	};
	const stop = (code = 0) => {
		stopping = true;
		process.exitCode = code;
		for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
	};
	for (let i = 0; i < config.WEB_CONCURRENCY; i++) fork(i === 0);
	console.log(`Serving with ${config.WEB_CONCURRENCY} worker processes`);
	process.on('SIGINT', () => stop());
	process.on('SIGTERM', () => stop());
} else {
	// adapter-node closes its server on SIGTERM; the channel to the primary would keep the worker alive.
	process.once('sveltekit:shutdown', () => process.disconnect?.());
	await import(pathToFileURL(resolve('build/index.js')).href);
}
