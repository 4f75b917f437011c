import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Received = { headers: IncomingHttpHeaders; body: string };
export type Responder = (received: Received, response: ServerResponse) => void;
export type Receiver = {
	url: string;
	received: Received[];
	/** Answers each request; replace it to change how the receiver behaves. */
	respond: Responder;
	close(): Promise<void>;
};

/** A local HTTP server standing in for the host app: it records every request it gets. */
export async function startReceiver(
	respond: Responder = (_, response) => void response.writeHead(204).end()
): Promise<Receiver> {
	const server = createServer(async (request, response) => {
		const chunks: Buffer[] = [];
		for await (const chunk of request) chunks.push(chunk as Buffer);
		const entry = { headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
		receiver.received.push(entry);
		receiver.respond(entry, response);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const receiver: Receiver = {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
		received: [],
		respond,
		close: () => {
			server.closeAllConnections();
			return new Promise((resolve) => server.close(() => resolve()));
		}
	};
	return receiver;
}
