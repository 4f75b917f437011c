import { closeDb } from './db';
import { stopBackgroundJobs } from './jobs';
import { log } from './log';

/**
 * On SIGTERM or SIGINT adapter-node stops accepting connections and waits for the requests in flight
 * (at most SHUTDOWN_TIMEOUT seconds) before it emits `sveltekit:shutdown`: from then on nothing writes,
 * so the timers stop and the database closes, and with nothing left to run the process exits.
 */
export function shutDownOnSignal() {
	process.once('sveltekit:shutdown', async (reason: string) => {
		await stopBackgroundJobs();
		closeDb();
		log.info({ reason }, 'shut down: requests drained, jobs stopped, database closed');
	});
}
