import type { ApiError } from '../server/api/errors';
import type {
	BalanceResponse,
	CaptureRequest,
	GrantRequestInput,
	GrantResponse,
	HoldRequest,
	HoldResponse,
	ReleaseRequest,
	SpendRequest,
	SpendResponse,
	TransactionsResponse,
	UserResponse
} from '../server/api/schemas';

/**
 * A typed client for the Credits HTTP API (docs/api.md), for a host app's TypeScript servers. Types
 * only come from the server's schemas; at run time it needs nothing but `fetch`. An API error is a
 * value, never an exception; a network failure or a response that is not the API's JSON throws.
 */
export type CreditsResult<T> =
	{ ok: true; data: T; replayed: boolean } | { ok: false; status: number; error: ApiError };

export type TransactionsOptions = {
	type?: TransactionsResponse['data'][number]['type'];
	limit?: number;
	starting_after?: string;
};

export type CreditsClientOptions = {
	/** Where Credits runs, e.g. https://credits.example.com */
	baseUrl: string;
	/** A key from /admin/api-keys or `npm run api-key:create` */
	apiKey: string;
	fetch?: typeof fetch;
};

export function createCreditsClient({
	baseUrl,
	apiKey,
	fetch = globalThis.fetch
}: CreditsClientOptions) {
	async function call<T>(
		method: 'GET' | 'POST',
		path: string,
		body?: object
	): Promise<CreditsResult<T>> {
		const response = await fetch(new URL(`/api/v1${path}`, baseUrl), {
			method,
			headers: {
				authorization: `Bearer ${apiKey}`,
				...(body && { 'content-type': 'application/json' })
			},
			body: body && JSON.stringify(body)
		});
		if (!response.headers.get('content-type')?.startsWith('application/json'))
			throw new Error(`Credits answered ${response.status} without JSON`);
		const json = await response.json();
		if (response.ok)
			return { ok: true, data: json as T, replayed: response.headers.has('idempotent-replayed') };
		return { ok: false, status: response.status, error: (json as { error: ApiError }).error };
	}
	const query = (values: Record<string, string | number | undefined>) => {
		const present = Object.entries(values).filter(([, value]) => value !== undefined);
		return new URLSearchParams(present.map(([name, value]) => [name, String(value)])).toString();
	};
	const hold = (holdId: number) => `/holds/${holdId}`;

	return {
		balance: (userId: string) =>
			call<BalanceResponse>('GET', `/balance?${query({ user_id: userId })}`),
		spend: (input: SpendRequest) => call<SpendResponse>('POST', '/spend', input),
		hold: (input: HoldRequest) => call<HoldResponse>('POST', '/holds', input),
		capture: (holdId: number, input: CaptureRequest) =>
			call<HoldResponse>('POST', `${hold(holdId)}/capture`, input),
		release: (holdId: number, input: ReleaseRequest = {}) =>
			call<HoldResponse>('POST', `${hold(holdId)}/release`, input),
		getHold: (holdId: number) => call<HoldResponse>('GET', hold(holdId)),
		grant: (input: GrantRequestInput) => call<GrantResponse>('POST', '/grants', input),
		transactions: (userId: string, options: TransactionsOptions = {}) =>
			call<TransactionsResponse>('GET', `/transactions?${query({ user_id: userId, ...options })}`),
		findUser: (email: string) => call<UserResponse>('GET', `/users?${query({ email })}`)
	};
}

export type CreditsClient = ReturnType<typeof createCreditsClient>;
