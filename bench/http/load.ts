import autocannon from 'autocannon';

export type Load = {
	url: string;
	method?: 'GET' | 'POST';
	headers?: Record<string, string>;
	/** The path and body of each request, by its number in the run. */
	request?: (n: number) => { path?: string; body?: string };
	/** Each answer, with the number of the request it answers. */
	onResponse?: (status: number, body: string, n: number) => void;
};

export type Measured = {
	requestsPerSecond: number;
	p50Ms: number;
	p99Ms: number;
	/** answers that were not 2xx, and connection errors */
	failed: number;
};

export const connections = 32;
export const durationSeconds = Number(process.env.BENCH_SECONDS ?? 10);

/** One autocannon run of `connections` connections for `durationSeconds`, one request at a time each. */
export async function measure(load: Load): Promise<Measured> {
	let sent = 0;
	const request = load.request;
	const onResponse = load.onResponse;
	const result = await autocannon({
		url: load.url,
		connections,
		duration: durationSeconds,
		requests: [
			{
				method: load.method ?? 'GET',
				headers: load.headers,
				// A connection waits for each answer before its next request, so its context holds the number.
				setupRequest: (req, context: { n?: number }) => {
					context.n = sent++;
					return request ? { ...req, ...request(context.n) } : req;
				},
				onResponse: onResponse
					? (status, body, context: { n?: number }) => onResponse(status, body, context.n!)
					: undefined
			}
		]
	});
	return {
		requestsPerSecond: result.requests.average,
		p50Ms: result.latency.p50,
		p99Ms: result.latency.p99,
		failed: result.non2xx + result.errors
	};
}

export function report(name: string, measured: Measured) {
	console.log(`${name}: ${Math.round(measured.requestsPerSecond)} req/s`);
	console.log(`${name}_p50: ${measured.p50Ms} ms`);
	console.log(`${name}_p99: ${measured.p99Ms} ms`);
	if (measured.failed > 0) {
		console.log(`${name}_failed: ${measured.failed} count`);
		process.exitCode = 1;
	}
}
