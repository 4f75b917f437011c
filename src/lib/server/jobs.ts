import { getLedger } from './app-ledger';

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
