let started = false;

/** Periodic work of a running server; the ledger sweeper joins here. */
export function startBackgroundJobs() {
	if (started) return;
	started = true;
}
