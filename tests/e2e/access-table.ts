/**
 * The access matrix: every operation of the app (see access-routes.ts) × every kind of caller, with the
 * answer each must get. Requests aim at the owner's things (their id, purchase, Checkout Session, holds),
 * so "another user" and the admin are asking about someone else. A cell reads `status` or
 * `status location`; `checkout` stands for the emulator's hosted page.
 */

export const callers = ['signedOut', 'user', 'otherUser', 'admin', 'apiKey', 'revokedKey'] as const;
export type Caller = (typeof callers)[number];
export const callerLabels: Record<Caller, string> = {
	signedOut: 'signed out',
	user: 'user (owner)',
	otherUser: 'another user',
	admin: 'admin',
	apiKey: 'API key',
	revokedKey: 'revoked key'
};

/** The owner's things that requests name, made by access-fixture.ts. */
export type Targets = {
	run: string;
	ownerId: string;
	ownerEmail: string;
	purchaseId: string;
	sessionId: string;
	eventId: string;
	endpointId: string;
	victimKeyId: number;
	holdToCapture: number;
	holdToRelease: number;
};

type Form = Record<string, string>;
export type Cells = Record<Caller, string>;
export type AccessRow = {
	operation: string;
	expect: Cells;
	/** The concrete path when the route has parameters */
	path?: (targets: Targets) => string;
	query?: (targets: Targets) => Record<string, string>;
	form?: (targets: Targets) => Form;
	json?: (targets: Targets) => unknown;
	/** The method sent for a `*` (fallback) operation */
	method?: string;
	/** Ends the caller's session: run last in its column */
	endsSession?: boolean;
};

const toLogin = '303 /login';
const all = (cell: string) => Object.fromEntries(callers.map((caller) => [caller, cell])) as Cells;
const adminOnly = (cell = '200'): Cells => ({ ...all('404'), admin: cell });
const keyOnly = (cell = '200'): Cells => ({ ...all('401'), apiKey: cell });
const signedIn = (cell: string, forOthers = cell): Cells => ({
	signedOut: toLogin,
	user: cell,
	otherUser: forOthers,
	admin: forOthers,
	apiKey: toLogin,
	revokedKey: toLogin
});
const guestPage: Cells = { ...all('200'), ...signedInOnly('303 /settings/credits') };
// Refused with a form error; a signed-in caller's page then sends them on, as it does on GET.
const badCredentials: Cells = { ...all('400'), ...signedInOnly('303 /settings/credits') };
// A session reads its own account only; the request names the owner.
const ownAccount: Cells = {
	signedOut: '401',
	user: '200',
	otherUser: '403',
	admin: '403',
	apiKey: '200',
	revokedKey: '401'
};

function signedInOnly(cell: string) {
	return { user: cell, otherUser: cell, admin: cell };
}

const row = (
	operation: string,
	expect: Cells,
	options: Omit<AccessRow, 'operation' | 'expect'> = {}
) => ({ operation, expect, ...options }) satisfies AccessRow;

const confirm = { confirm: 'yes' };
const ownerPath = (prefix: string) => (targets: Targets) => `${prefix}/${targets.ownerId}`;

export const accessTable: AccessRow[] = [
	row('GET /', all('200')),
	row('POST /', all('405')),
	row('GET /login', guestPage),
	row('PUT /login', all('405')),
	row('POST /login', badCredentials, { form: () => ({ email: 'not-an-email', password: 'x' }) }),
	row('GET /signup', guestPage),
	row('PUT /signup', all('405')),
	row('POST /signup', badCredentials, { form: () => ({ email: 'not-an-email', password: 'x' }) }),
	row('POST /logout', all(toLogin), { endsSession: true }),
	row('GET /logout', all('405')),
	row('GET /healthz', all('200')),
	row('POST /healthz', all('405')),
	row('GET /docs/api', all('200')),
	row('POST /docs/api', all('405')),
	row('GET /demo', signedIn('200')),
	row('PUT /demo', all('405')),
	row('POST /demo?/generate', signedIn('400'), { form: () => ({ topic: '' }) }),

	row('GET /settings', signedIn('307 /settings/credits')),
	row('POST /settings', signedIn('405')),
	row('GET /settings/credits', signedIn('200')),
	row('PUT /settings/credits', signedIn('405')),
	row('POST /settings/credits?/buy', signedIn('303 checkout'), {
		form: () => ({ packageId: 'basic' })
	}),
	row('GET /settings/credits/history', signedIn('200')),
	row('POST /settings/credits/history', signedIn('405')),
	row('GET /settings/credits/success', signedIn('200', '404'), {
		query: (targets) => ({ session_id: targets.sessionId })
	}),
	row('POST /settings/credits/success', signedIn('405')),
	row('GET /settings/credits/transactions.csv', signedIn('200')),
	row('POST /settings/credits/transactions.csv', signedIn('405')),
	row('GET /settings/security', signedIn('200')),
	row('PUT /settings/security', signedIn('405')),
	// Refused by its own form check, so no wrong guess counts against the shared sign-in throttle.
	row('POST /settings/security?/changePassword', signedIn('400'), {
		form: () => ({ currentPassword: '', newPassword: 'short' })
	}),
	row('POST /settings/security?/signOutEverywhere', signedIn('303 /login'), { endsSession: true }),

	row('GET /admin', adminOnly()),
	row('PUT /admin', adminOnly('405')),
	// The owner's purchase is paid, not waiting for review: there is nothing to resolve.
	row('POST /admin?/resolveMismatch', adminOnly('409'), {
		form: (targets) => ({ purchaseId: targets.purchaseId, decision: 'credit', reason: 'matrix' })
	}),
	row('GET /admin/api-keys', adminOnly()),
	row('PUT /admin/api-keys', adminOnly('405')),
	row('POST /admin/api-keys?/create', adminOnly(), {
		form: (targets) => ({ name: `access matrix ${targets.run}` })
	}),
	row('POST /admin/api-keys?/revoke', adminOnly(), {
		form: (targets) => ({ id: String(targets.victimKeyId), ...confirm })
	}),
	row('GET /admin/audit', adminOnly()),
	row('POST /admin/audit', adminOnly('405')),
	row('GET /admin/events', adminOnly()),
	row('PUT /admin/events', adminOnly('405')),
	row('POST /admin/events?/reconcile', adminOnly()),
	row('GET /admin/events/[id]', adminOnly(), {
		path: (targets) => `/admin/events/${targets.eventId}`
	}),
	row('PUT /admin/events/[id]', adminOnly('405'), {
		path: (targets) => `/admin/events/${targets.eventId}`
	}),
	row('POST /admin/events/[id]?/replay', adminOnly(), {
		path: (targets) => `/admin/events/${targets.eventId}`
	}),
	row('GET /admin/grants/bulk', adminOnly()),
	row('PUT /admin/grants/bulk', adminOnly('405')),
	row('POST /admin/grants/bulk?/preview', adminOnly(), {
		form: (targets) => ({ rows: `${targets.ownerEmail},3,access matrix` })
	}),
	row('POST /admin/grants/bulk?/apply', adminOnly(), {
		form: (targets) => ({ rows: `${targets.ownerEmail},3,access matrix` })
	}),
	row('GET /admin/packages', adminOnly()),
	row('PUT /admin/packages', adminOnly('405')),
	row('POST /admin/packages?/sync', adminOnly(), { form: () => confirm }),
	row('GET /admin/purchases', adminOnly()),
	row('POST /admin/purchases', adminOnly('405')),
	row('GET /admin/purchases/[id]', adminOnly(), {
		path: (targets) => `/admin/purchases/${targets.purchaseId}`
	}),
	row('PUT /admin/purchases/[id]', adminOnly('405'), {
		path: (targets) => `/admin/purchases/${targets.purchaseId}`
	}),
	row('POST /admin/purchases/[id]?/refund', adminOnly(), {
		path: (targets) => `/admin/purchases/${targets.purchaseId}`,
		form: (targets) => ({ amount: '1', idempotencyKey: `access-refund-${targets.run}` })
	}),
	row('GET /admin/users', adminOnly()),
	row('POST /admin/users', adminOnly('405')),
	row('GET /admin/users/[id]', adminOnly(), { path: ownerPath('/admin/users') }),
	row('PUT /admin/users/[id]', adminOnly('405'), { path: ownerPath('/admin/users') }),
	row('POST /admin/users/[id]?/grant', adminOnly(), {
		path: ownerPath('/admin/users'),
		form: (targets) => ({
			amount: '5',
			reason: 'access matrix',
			category: 'free',
			idempotencyKey: `access-grant-${targets.run}`,
			...confirm
		})
	}),
	row('POST /admin/users/[id]?/deduct', adminOnly(), {
		path: ownerPath('/admin/users'),
		form: (targets) => ({
			amount: '1',
			reason: 'access matrix',
			idempotencyKey: `access-deduct-${targets.run}`,
			...confirm
		})
	}),
	row('POST /admin/users/[id]?/promote', adminOnly(), {
		path: ownerPath('/admin/users'),
		form: () => confirm
	}),
	row('POST /admin/users/[id]?/demote', adminOnly(), {
		path: ownerPath('/admin/users'),
		form: () => confirm
	}),
	row('POST /admin/users/[id]?/signOutEverywhere', adminOnly(), {
		path: ownerPath('/admin/users'),
		form: () => confirm
	}),
	row('GET /admin/users/[id]/transactions.csv', adminOnly(), {
		path: (targets) => `/admin/users/${targets.ownerId}/transactions.csv`
	}),
	row('POST /admin/users/[id]/transactions.csv', adminOnly('405'), {
		path: (targets) => `/admin/users/${targets.ownerId}/transactions.csv`
	}),
	row('GET /admin/webhooks', adminOnly()),
	row('PUT /admin/webhooks', adminOnly('405')),
	row('POST /admin/webhooks?/create', adminOnly(), {
		form: (targets) => ({
			url: `http://127.0.0.1:9/access-matrix-${targets.run}`,
			eventTypes: 'credits.granted'
		})
	}),
	...endpointRows(),

	row('* /api/v1/[...path]', all('404'), { method: 'DELETE', path: () => '/api/v1/nothing-here' }),
	row('GET /api/v1/balance', ownAccount, { query: (targets) => ({ user_id: targets.ownerId }) }),
	row('POST /api/v1/balance', all('405')),
	row('GET /api/v1/transactions', ownAccount, {
		query: (targets) => ({ user_id: targets.ownerId })
	}),
	row('POST /api/v1/transactions', all('405')),
	row('GET /api/v1/users', keyOnly(), { query: (targets) => ({ email: targets.ownerEmail }) }),
	row('POST /api/v1/users', all('405')),
	row('POST /api/v1/spend', keyOnly(), {
		json: (targets) => ({
			user_id: targets.ownerId,
			amount: 1,
			idempotency_key: `access-spend-${targets.run}`,
			reason: 'access matrix'
		})
	}),
	row('GET /api/v1/spend', all('405')),
	row('POST /api/v1/grants', keyOnly(), {
		json: (targets) => ({
			user_id: targets.ownerId,
			amount: 1,
			idempotency_key: `access-grant-${targets.run}`,
			reason: 'access matrix'
		})
	}),
	row('GET /api/v1/grants', all('405')),
	row('POST /api/v1/holds', keyOnly(), {
		json: (targets) => ({
			user_id: targets.ownerId,
			amount: 1,
			idempotency_key: `access-hold-${targets.run}`,
			expires_in_seconds: 600
		})
	}),
	row('GET /api/v1/holds', all('405')),
	...holdRows(),
	row('GET /api/v1/openapi.json', all('200')),
	row('POST /api/v1/openapi.json', all('405')),
	row('GET /api/v1/ping', all('200')),
	row('POST /api/v1/ping', all('405')),
	// Unsigned: only Stripe's signature gets further, whoever else calls.
	row('POST /api/webhooks/stripe', all('400'), {
		json: () => ({ type: 'checkout.session.completed' })
	}),
	row('GET /api/webhooks/stripe', all('405'))
];

function endpointRows() {
	const path = (targets: Targets) => `/admin/webhooks/${targets.endpointId}`;
	return [
		row('GET /admin/webhooks/[id]', adminOnly(), { path }),
		row('PUT /admin/webhooks/[id]', adminOnly('405'), { path }),
		row('POST /admin/webhooks/[id]?/enable', adminOnly(), { path }),
		row('POST /admin/webhooks/[id]?/disable', adminOnly(), { path }),
		row('POST /admin/webhooks/[id]?/rotate', adminOnly(), { path, form: () => confirm }),
		// The endpoint has sent nothing, so there is no message to resend.
		row('POST /admin/webhooks/[id]?/resend', adminOnly('404'), {
			path,
			form: () => ({ messageId: 'msg_none' })
		}),
		// Last of the endpoint's rows: once deleted, the others would answer 404.
		row('POST /admin/webhooks/[id]?/delete', adminOnly('303 /admin/webhooks'), {
			path,
			form: () => confirm
		})
	];
}

function holdRows() {
	const holdPath =
		(hold: keyof Pick<Targets, 'holdToCapture' | 'holdToRelease'>, tail = '') =>
		(targets: Targets) =>
			`/api/v1/holds/${targets[hold]}${tail}`;
	return [
		row('GET /api/v1/holds/[id]', keyOnly(), { path: holdPath('holdToCapture') }),
		row('POST /api/v1/holds/[id]', all('405'), { path: holdPath('holdToCapture') }),
		row('POST /api/v1/holds/[id]/capture', keyOnly(), {
			path: holdPath('holdToCapture', '/capture'),
			json: (targets) => ({ idempotency_key: `access-capture-${targets.run}` })
		}),
		row('GET /api/v1/holds/[id]/capture', all('405'), {
			path: holdPath('holdToCapture', '/capture')
		}),
		row('POST /api/v1/holds/[id]/release', keyOnly(), {
			path: holdPath('holdToRelease', '/release'),
			json: () => ({})
		}),
		row('GET /api/v1/holds/[id]/release', all('405'), {
			path: holdPath('holdToRelease', '/release')
		})
	];
}

/** The table as Markdown, for the reliability report (kept equal to it by access-matrix.spec.ts). */
export function accessTableMarkdown(): string {
	const header = `| operation | ${callers.map((caller) => callerLabels[caller]).join(' | ')} |`;
	const rule = `|---|${callers.map(() => '---').join('|')}|`;
	const lines = accessTable.map(
		(entry) =>
			`| \`${entry.operation}\` | ${callers.map((caller) => entry.expect[caller]).join(' | ')} |`
	);
	return [header, rule, ...lines].join('\n');
}
