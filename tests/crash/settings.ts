export type CrashSettings = {
	/** Times the server is killed mid-load (CRASH_KILLS). */
	kills: number;
	/** Seconds of load in all, the kills falling at random moments within it (CRASH_SECONDS). */
	seconds: number;
	/** Clients sending requests concurrently, each one after another (CRASH_CLIENTS). */
	clients: number;
	/** Users the load spends, holds, grants and buys for (CRASH_USERS). */
	users: number;
	/** Server worker processes, as WEB_CONCURRENCY (CRASH_WEB_CONCURRENCY). */
	webConcurrency: number;
	/** Seeds the load and the emulator's delivery order, to replay a run (CRASH_SEED). */
	seed?: number;
};

/** CI-sized defaults; `npm run test:stress` sets larger ones. A bad value throws, naming it. */
export function crashSettings(env: NodeJS.ProcessEnv): CrashSettings {
	const count = (name: string, fallback: number, least = 1) => {
		const value = env[name];
		if (!value) return fallback;
		const parsed = Number(value);
		if (!Number.isInteger(parsed) || parsed < least)
			throw new Error(`${name} must be a whole number of at least ${least} (got ${value})`);
		return parsed;
	};
	return {
		kills: count('CRASH_KILLS', 3),
		seconds: count('CRASH_SECONDS', 12),
		clients: count('CRASH_CLIENTS', 6),
		users: count('CRASH_USERS', 8),
		webConcurrency: count('CRASH_WEB_CONCURRENCY', 1),
		seed: env.CRASH_SEED ? count('CRASH_SEED', 0, 0) : undefined
	};
}
