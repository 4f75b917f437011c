import { Webhook } from 'standardwebhooks';

export type Delivery = { url: string; secret: string; messageId: string; payload: string };
export type AttemptOutcome = {
	delivered: boolean;
	responseStatus: number | null;
	responseSnippet: string;
	durationMs: number;
};
export type SendOptions = { timeoutMs: number; now: () => number };

const snippetChars = 300;

/**
 * One attempt: POSTs the payload signed as Standard Webhooks says. A 2xx answer delivers it; a redirect
 * is not followed (the endpoint's host is the one an admin registered) and counts as a failure.
 */
export async function sendMessage(
	delivery: Delivery,
	options: SendOptions
): Promise<AttemptOutcome> {
	const sentAt = options.now();
	const signature = new Webhook(delivery.secret).sign(
		delivery.messageId,
		new Date(sentAt),
		delivery.payload
	);
	const started = performance.now();
	const duration = () => Math.round(performance.now() - started);
	try {
		const response = await fetch(delivery.url, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				'user-agent': 'Credits-Webhooks/1',
				'webhook-id': delivery.messageId,
				'webhook-timestamp': String(Math.floor(sentAt / 1000)),
				'webhook-signature': signature
			},
			body: delivery.payload,
			redirect: 'manual',
			signal: AbortSignal.timeout(options.timeoutMs)
		});
		const snippet = await readSnippet(response);
		const status = response.status;
		const redirect = status >= 300 && status < 400;
		return {
			delivered: status >= 200 && status < 300,
			responseStatus: status,
			responseSnippet: redirect
				? `Redirect to ${response.headers.get('location') ?? 'nowhere'} not followed`
				: snippet,
			durationMs: duration()
		};
	} catch (error) {
		return {
			delivered: false,
			responseStatus: null,
			responseSnippet: describeFailure(error, options.timeoutMs),
			durationMs: duration()
		};
	}
}

/** The start of the body, without reading a large one whole. */
async function readSnippet(response: Response): Promise<string> {
	if (!response.body) return '';
	const reader = response.body.getReader();
	const decoder = new TextDecoder();
	let text = '';
	while (text.length < snippetChars) {
		const { done, value } = await reader.read();
		if (done) break;
		text += decoder.decode(value, { stream: true });
	}
	await reader.cancel();
	return text.slice(0, snippetChars);
}

function describeFailure(error: unknown, timeoutMs: number): string {
	if (error instanceof Error && error.name === 'TimeoutError')
		return `No response within ${timeoutMs} ms`;
	const cause =
		error instanceof Error ? (error.cause as { code?: string; message?: string }) : null;
	const detail = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : '');
	return `Request failed: ${detail || String(error)}`;
}
