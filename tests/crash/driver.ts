import { rawRequest, type RawRequest } from '../e2e/raw-http';

export type Kind =
	'spend' | 'grant' | 'hold' | 'capture' | 'release' | 'admin-grant' | 'buy' | 'pay';

export type Answer = { status: number; body: string; location?: string; replayed: boolean };
/** `server`: which run of the server the request was sent to (1 for the first, 2 after one kill…). */
export type Attempt = { server: number } & (Answer | { error: string });

/** One request of the load, with what the ledger should show for it. */
export type Sent = {
	kind: Kind;
	base: string;
	request: RawRequest;
	/** The transfer's idempotency key in the ledger, for a write that has one. */
	ledgerKey?: string;
	/** The key the API stores its first 200 under (api_responses). */
	responseKey?: string;
	withMetadata?: boolean;
	first: Attempt;
	/** The same request again after the last restart, when the first had no answer. */
	retry?: Attempt;
	/** The same request again after the last restart, when a server that was then killed had confirmed it. */
	replay?: Attempt;
};

const answerTimeoutMs = 30_000;

export function answered(attempt: Attempt | undefined): attempt is Attempt & Answer {
	return attempt !== undefined && 'status' in attempt;
}

/**
 * Sends the load's requests and remembers every one. While the server is down, `send` waits for it
 * to come back rather than count refusals; a request cut off by a kill is recorded unanswered.
 */
export class Driver {
	readonly sent: Sent[] = [];
	server = 1;
	inFlight = 0;
	stopping = false;
	private up: Promise<void> = Promise.resolve();
	private reopen: () => void = () => {};

	constructor(readonly appUrl: string) {}

	/** Holds back new requests (the server is about to be killed). */
	close() {
		this.up = new Promise((resolve) => (this.reopen = resolve));
	}

	/** The server is back: requests go to its next run. */
	open() {
		this.server++;
		this.reopen();
	}

	ready(): Promise<void> {
		return this.up;
	}

	async send(entry: Omit<Sent, 'first' | 'base'> & { base?: string }): Promise<Sent> {
		await this.up;
		const sent: Sent = { base: this.appUrl, ...entry, first: await this.attempt(entry) };
		this.sent.push(sent);
		return sent;
	}

	/** The same request again, as a client does once the server answers again. */
	async resend(sent: Sent, as: 'retry' | 'replay'): Promise<void> {
		sent[as] = await this.attempt(sent);
	}

	private async attempt({ base, request }: { base?: string; request: RawRequest }) {
		const server = this.server;
		this.inFlight++;
		try {
			const response = await withTimeout(rawRequest(base ?? this.appUrl, request));
			const location = response.headers.location;
			return {
				server,
				status: response.status,
				body: response.body,
				replayed: response.headers['idempotent-replayed'] === 'true',
				...(typeof location === 'string' && { location })
			};
		} catch (error) {
			return { server, error: error instanceof Error ? error.message : String(error) };
		} finally {
			this.inFlight--;
		}
	}
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error('no answer within 30 s')), answerTimeoutMs);
	});
	return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
