import { getLedger } from './credits';

const sweepEveryMs = 60_000;
let timer: ReturnType<typeof setInterval> | undefined;

/** Periodic work of a running server: expiring due credits and holds that no spend has touched. */
export function startBackgroundJobs() {
	timer ??= setInterval(sweepExpiredCredits, sweepEveryMs);
	timer.unref();
	sweepExpiredCredits();
}

function sweepExpiredCredits() {
	try {
		const summary = getLedger().expire();
		if (summary.lots + summary.holds > 0) {
			console.log(`Expired ${summary.credits} credits in ${summary.lots} lots and ${summary.holds} holds`);
		}
	} catch (error) {
		console.error('Expiry sweep failed:', error);
	}
}
