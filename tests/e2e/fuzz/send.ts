import { request as httpRequest } from 'node:http';

export type Answer = { status: number; contentType: string; body: string };

/**
 * One request on a fresh connection (a pooled one that the server closed after refusing an
 * oversized body would fail the next request). The server may answer before it has read the whole
 * body and close the connection: the answer counts, the failed rest of the upload does not.
 */
export function sendRequest(
	baseURL: string,
	{
		method,
		path,
		headers,
		body
	}: { method: string; path: string; headers: Record<string, string>; body?: Buffer }
): Promise<Answer> {
	const base = new URL(baseURL);
	return new Promise((resolve, reject) => {
		let answered = false;
		const request = httpRequest(
			{
				host: base.hostname,
				port: base.port,
				method,
				path,
				agent: false,
				headers: { ...headers, 'content-length': String(body?.length ?? 0) }
			},
			(response) => {
				answered = true;
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('end', () =>
					resolve({
						status: response.statusCode ?? 0,
						contentType: String(response.headers['content-type'] ?? ''),
						body: Buffer.concat(chunks).toString('utf8')
					})
				);
				response.on('error', reject);
			}
		);
		request.on('error', (error) => {
			if (!answered) reject(error);
		});
		request.end(body);
	});
}
