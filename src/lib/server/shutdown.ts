import { closeDb } from './db';
import { stopBackgroundJobs } from './jobs';
import { log } from './log';

let inFlight = 0;
let drained: (() => void) | undefined;

/**
 * Counts a request while its handler runs. adapter-node waits for open connections, not for handlers:
 * a client that hangs up mid-request closes its socket while the handler still has writes to make.
 */
export async function serving<T>(handle: () => Promise<T>): Promise<T> {
	inFlight++;
	try {
		return await handle();
	} finally {
		if (--inFlight === 0) drained?.();
	}
}

function handlersDone(timeoutMs: number): Promise<void> {
	if (inFlight === 0) return Promise.resolve();
	return new Promise((resolve) => {
		const timer = setTimeout(resolve, timeoutMs);
		drained = () => {
			clearTimeout(timer);
			resolve();
		};
	});
}

/**
 * On SIGTERM or SIGINT adapter-node stops accepting connections and waits for the open ones (at most
 * SHUTDOWN_TIMEOUT seconds) before it emits `sveltekit:shutdown`; then the handlers still running
 * finish, nothing writes any more, so the timers stop and the database closes, and the process exits.
 */
export function shutDownOnSignal() {
	process.once('sveltekit:shutdown', async (reason: string) => {
		await handlersDone((Number(process.env.SHUTDOWN_TIMEOUT) || 30) * 1000);
		await stopBackgroundJobs();
		await closeDb();
		log.info({ reason }, 'shut down: requests drained, jobs stopped, database closed');
	});
}
