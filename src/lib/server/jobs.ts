import { getLedger } from './app-ledger';
import { log } from './log';

const sweepEveryMs = 60_000;
let timer: ReturnType<typeof setInterval> | undefined;

/**
 * Periodic work of a running server: expiring due credits and holds that no spend has touched, and
 * rolling the system accounts' counters up to the newest transfer.
 */
export function startBackgroundJobs() {
	timer ??= setInterval(sweepLedger, sweepEveryMs);
	timer.unref();
	sweepLedger();
}

export function stopBackgroundJobs() {
	clearInterval(timer);
	timer = undefined;
}

function sweepLedger() {
	try {
		const ledger = getLedger();
		const summary = ledger.expire();
		if (summary.lots + summary.holds > 0) log.info({ job: 'ledger-sweep', ...summary }, 'expired');
		ledger.rollUp();
	} catch (error) {
		log.error({ job: 'ledger-sweep', err: error }, 'ledger sweep failed');
	}
}
