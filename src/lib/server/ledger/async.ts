import type { Ledger } from './index';

/**
 * The ledger as app code awaits it, whatever the backend: SQLite's synchronous ledger wrapped
 * (`awaitable`), or PostgreSQL's, where every write is one call of a PL/pgSQL function (pg/).
 */
export type AsyncLedger = {
	[K in keyof Ledger]: (...args: Parameters<Ledger[K]>) => Promise<Awaited<ReturnType<Ledger[K]>>>;
};

/** SQLite's ledger behind the async interface: the same synchronous calls, their results in promises. */
export function awaitable(ledger: Ledger): AsyncLedger {
	const wrapped = {} as Record<string, (...args: unknown[]) => Promise<unknown>>;
	for (const [name, operation] of Object.entries(ledger)) {
		const call = operation as (...args: unknown[]) => unknown;
		wrapped[name] = async (...args) => call(...args);
	}
	return wrapped as AsyncLedger;
}
