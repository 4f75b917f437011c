import cluster from 'node:cluster';
import { getLedger } from './app-ledger';

/** Set by scripts/serve.ts on the one cluster worker that runs the background jobs. */
export const jobsWorkerVariable = 'CREDITS_JOBS_WORKER';

const sweepEveryMs = 60_000;
let timer: ReturnType<typeof setInterval> | undefined;

/**
 * A lone server runs the background jobs; of a cluster's workers only the one the primary names does.
 * Each sweep is a ledger transaction, so sweeping in every worker would be safe, but would take the
 * write lock N times a minute for nothing, and outbound work (webhook deliveries) must not race itself.
 */
export function runsBackgroundJobs(env = process.env, isWorker = cluster.isWorker) {
	return !isWorker || env[jobsWorkerVariable] === '1';
}

/**
 * Periodic work of a running server: expiring due credits and holds that no spend has touched, and
 * rolling the system accounts' counters up to the newest transfer.
 */
export function startBackgroundJobs() {
	if (!runsBackgroundJobs()) return;
	if (cluster.isWorker && !timer) console.log(`Background jobs run in worker ${process.pid}`);
	timer ??= setInterval(sweepLedger, sweepEveryMs);
	timer.unref();
	sweepLedger();
}

function sweepLedger() {
	try {
		const ledger = getLedger();
		const summary = ledger.expire();
		if (summary.lots + summary.holds > 0) {
			console.log(
				`Expired ${summary.credits} credits in ${summary.lots} lots and ${summary.holds} holds`
			);
		}
		ledger.rollUp();
	} catch (error) {
		console.error('Ledger sweep failed:', error);
	}
}
