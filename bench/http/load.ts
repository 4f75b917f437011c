import autocannon from 'autocannon';
import { cpuSecondsOf } from './cpu';

export type Load = {
	url: string;
	method?: 'GET' | 'POST';
	headers?: Record<string, string>;
	/** The path and body of each request, by its number in the load (warm-up included). */
	request?: (n: number) => { path?: string; body?: string };
	/** Each answer, with the number of the request it answers. */
	onResponse?: (status: number, body: string, n: number) => void;
};

export type Measured = {
	requestsPerSecond: number;
	p50Ms: number;
	p99Ms: number;
	/** the server's CPU time per answered request, where /proc tells it */
	cpuMicroseconds: number | undefined;
	/** answers that were not 2xx, and connection errors */
	failed: number;
};

export const connections = 32;
export const durationSeconds = Number(process.env.BENCH_SECONDS ?? 10);
// JIT and the route's lazily loaded modules would otherwise count against whichever load runs first.
const warmupSeconds = 2;

/**
 * One load on the server `serverPid`: a warm-up, then `connections` connections for `durationSeconds`,
 * each sending its next request when the last is answered.
 */
export async function measure(load: Load, serverPid: number): Promise<Measured> {
	let sent = 0;
	const run = (duration: number) =>
		autocannon({
			url: load.url,
			connections,
			duration,
			requests: [
				{
					method: load.method ?? 'GET',
					headers: load.headers,
					// A connection waits for each answer before its next request, so its context holds the number.
					setupRequest: (req, context: { n?: number }) => {
						context.n = sent++;
						return load.request ? { ...req, ...load.request(context.n) } : req;
					},
					onResponse: load.onResponse
						? (status, body, context: { n?: number }) => load.onResponse!(status, body, context.n!)
						: undefined
				}
			]
		});
	await run(warmupSeconds);
	const cpuBefore = cpuSecondsOf(serverPid);
	const result = await run(durationSeconds);
	const cpuAfter = cpuSecondsOf(serverPid);
	const answered = result['2xx'] + result.non2xx;
	return {
		requestsPerSecond: result.requests.average,
		p50Ms: result.latency.p50,
		p99Ms: result.latency.p99,
		cpuMicroseconds:
			cpuBefore === undefined || cpuAfter === undefined || answered === 0
				? undefined
				: ((cpuAfter - cpuBefore) / answered) * 1e6,
		failed: result.non2xx + result.errors
	};
}

export function report(name: string, measured: Measured) {
	console.log(`${name}: ${Math.round(measured.requestsPerSecond)} req/s`);
	console.log(`${name}_p50: ${measured.p50Ms} ms`);
	console.log(`${name}_p99: ${measured.p99Ms} ms`);
	if (measured.cpuMicroseconds !== undefined)
		console.log(`${name}_server_cpu: ${Math.round(measured.cpuMicroseconds)} us/req`);
	if (measured.failed > 0) {
		console.log(`${name}_failed: ${measured.failed} count`);
		process.exitCode = 1;
	}
}
