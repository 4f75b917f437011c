import cluster from 'node:cluster';
import { getLedger } from './app-ledger';
import { getDb } from './db';
import { log } from './log';
import { getStripe } from './stripe/client';
import { reconcileStripe } from './stripe/reconcile';
import { startDispatcher, type Dispatcher } from './webhooks/dispatcher';

/** Set by scripts/serve.ts on the one cluster worker that runs the background jobs. */
export const jobsWorkerVariable = 'CREDITS_JOBS_WORKER';

const sweepEveryMs = 60_000;
export const reconcileEveryMs = 15 * 60_000;
let timers: ReturnType<typeof setInterval>[] = [];
let dispatcher: Dispatcher | undefined;
let reconciling = false;

/**
/**
 * A lone server runs the background jobs; of a cluster's workers only the one the primary names does.
 * Each sweep is a ledger transaction, so sweeping in every worker would be safe, but would take the
 * write lock N times a minute for nothing, and outbound work (webhook deliveries) must not race itself.
 */
export function runsBackgroundJobs(env = process.env, isWorker = cluster.isWorker) {
	return !isWorker || env[jobsWorkerVariable] === '1';
}

/**
 * Periodic work of a running server: expiring due credits and holds that no spend has touched,
 * rolling the system accounts' counters up to the newest transfer, reconciling with Stripe and
 * sending outbound webhooks.
 */
export function startBackgroundJobs() {
	if (!runsBackgroundJobs() || timers.length > 0) return;
	if (cluster.isWorker) log.info({ pid: process.pid }, 'background jobs run in this worker');
	timers = [setInterval(sweepLedger, sweepEveryMs), setInterval(reconcile, reconcileEveryMs)];
	for (const timer of timers) timer.unref();
	dispatcher = startDispatcher(getDb());
	void sweepLedger();
}

/** Stops the timers and waits for the webhook round under way, so no attempt is cut off mid-way. */
export async function stopBackgroundJobs() {
	for (const timer of timers) clearInterval(timer);
	timers = [];
	await dispatcher?.stop();
	dispatcher = undefined;
}

async function sweepLedger() {
	try {
		const ledger = getLedger();
		const summary = await ledger.expire();
		if (summary.lots + summary.holds > 0) log.info({ job: 'ledger-sweep', ...summary }, 'expired');
		await ledger.rollUp();
	} catch (error) {
		log.error({ job: 'ledger-sweep', err: error }, 'ledger sweep failed');
	}
}

/** The last 3 days, as `npm run stripe:reconcile` does; a run still going when the next is due is not doubled. */
async function reconcile() {
	if (reconciling) return;
	reconciling = true;
	try {
		const { repairs, problems, checked } = await reconcileStripe(getDb(), getStripe());
		const logged = { job: 'stripe-reconcile', checked, repairs, problems };
		if (problems.length > 0) log.warn(logged, 'reconciliation left problems for an admin');
		else if (Object.values(repairs).some((count) => count > 0)) log.info(logged, 'reconciled');
	} catch (error) {
		log.error({ job: 'stripe-reconcile', err: error }, 'reconciliation failed');
	} finally {
		reconciling = false;
	}
}
