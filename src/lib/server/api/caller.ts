/**
 * Who calls the credits API. A key may do everything for any user; a signed-in user's session may only
 * read their own balance and transactions; an in-process caller (the app's own features, e.g. /demo)
 * may do everything and names itself in the ledger's actor column.
 */
export type ApiCaller =
	| { kind: 'key'; keyId: number }
	| { kind: 'session'; userId: string }
	| { kind: 'app'; name: string };

/** The callers that may do more than read their own account: the type keeps a session out of the rest. */
export type TrustedCaller = Exclude<ApiCaller, { kind: 'session' }>;

/** What the ledger records as a transfer's actor. */
export function actorOf(caller: ApiCaller): string {
	if (caller.kind === 'key') return `api:${caller.keyId}`;
	if (caller.kind === 'session') return `user:${caller.userId}`;
	return `app:${caller.name}`;
}
