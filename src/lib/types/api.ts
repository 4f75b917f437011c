/** Client-safe shapes of the API keys page and the API docs page. */

export type ApiKeyView = {
	id: number;
	name: string;
	/** `ck_…`: the public part of the key, enough to tell keys apart */
	prefix: string;
	createdAt: Date;
	lastUsedAt: Date | null;
	revokedAt: Date | null;
};

/** The one moment a key's secret is shown: right after it was made. */
export type CreatedApiKeyView = { id: number; name: string; prefix: string; key: string };

export type ApiOperationView = {
	id: string;
	method: 'GET' | 'POST';
	path: string;
	summary: string;
	/** `key`: API key only; `key or session`: also the signed-in user, for their own data */
	access: 'key' | 'key or session' | 'anyone';
	curl: string;
	/** the error codes it can answer, in order of precedence */
	errors: string[];
};

export type ApiErrorView = { code: string; status: number; meaning: string };
