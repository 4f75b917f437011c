import { getLedger } from './app-ledger';
import { getDb } from './db';
import { startDispatcher, type Dispatcher } from './webhooks/dispatcher';

const sweepEveryMs = 60_000;
let timer: ReturnType<typeof setInterval> | undefined;
let dispatcher: Dispatcher | undefined;

/**
 * Periodic work of a running server: expiring due credits and holds that no spend has touched,
 * rolling the system accounts' counters up to the newest transfer, and sending outbound webhooks.
 */
export function startBackgroundJobs() {
	timer ??= setInterval(sweepLedger, sweepEveryMs);
	timer.unref();
	dispatcher ??= startDispatcher(getDb());
	sweepLedger();
}

/** Stops the timers and waits for the webhook round under way, so no attempt is cut off mid-way. */
export async function stopBackgroundJobs() {
	clearInterval(timer);
	timer = undefined;
	await dispatcher?.stop();
	dispatcher = undefined;
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
