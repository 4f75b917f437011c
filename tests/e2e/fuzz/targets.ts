import fc from 'fast-check';
import { packages } from '../../../src/lib/credits/packages';
import { transferCodes } from '../../../src/lib/server/ledger/schema';
import { webhookEventTypes } from '../../../src/lib/types/webhooks';
import {
	badId,
	badJsonText,
	badJsonWholeNumber,
	badText,
	badWholeNumber,
	jsonNotString,
	notOneOf,
	overlong,
	tainted,
	wrongTypes
} from './values';

/**
 * Every form action and API endpoint, with what a right caller sends it and what it must refuse.
 * `tests/integration/fuzz-targets.spec.ts` compares this table with the routes on disk, so a new
 * action or endpoint without an entry here fails the unit tests.
 */

export type Caller = 'visitor' | 'user' | 'admin' | 'key' | 'stripe';

/** What the fuzz run made before it starts: the right caller's own objects, each of them real. */
export type Fixture = {
	userId: string;
	userEmail: string;
	userPassword: string;
	purchaseId: string;
	eventId: string;
	/** A key nobody uses, that a wrongly accepted revoke would revoke. */
	spareKeyId: string;
	endpointId: string;
	holdId: string;
};

/**
 * A form field, path parameter or JSON member: a value the route accepts (form text, or raw JSON
 * text for a JSON member) and values it must refuse. Without `invalid` it is sent as is and never spoiled.
 */
export type Field = {
	valid: (fixture: Fixture) => string;
	invalid?: fc.Arbitrary<string>;
	/** Leaving it out is valid too (so "missing" is not a spoiling of it). */
	optional?: boolean;
	/** A form field that legitimately repeats (checkboxes). */
	repeatable?: boolean;
};

type Common = {
	/** The route id, as in `event.route.id`. */
	route: string;
	caller: Caller;
	params?: Record<string, Field>;
	/**
	 * The words of its refusals (its fields' messages), looked for in every 4xx it answers besides
	 * those of a malformed body, which every form shares (see `bodyMessages`).
	 */
	message?: RegExp;
	/** Takes no input at all: any answer but a 5xx or a write is right. */
	ignoresInput?: boolean;
};

export type FormTarget = Common & {
	kind: 'form';
	/** The action's name (`default` for a page's only action), or a +server.ts `POST`. */
	action: string;
	fields: Record<string, Field>;
	/** Bad lines get a 200 page that lists what is wrong and writes nothing. */
	previews?: boolean;
};

export type ApiTarget = Common & {
	kind: 'api';
	method: 'GET' | 'POST' | 'fallback';
	/** Query parameters of a GET, members of a POST's JSON body. */
	fields: Record<string, Field>;
};

export type Target = FormTarget | ApiTarget;

const fixed = (value: string): Field => ({ valid: () => value });
const confirmYes = { confirm: fixed('yes') };
const text = (value: string, invalid: fc.Arbitrary<string>, optional = false): Field => ({
	valid: () => value,
	invalid,
	optional
});

const email = fc.oneof(
	tainted('fuzz@fuzz.test', { punctuation: false }),
	fc.constantFrom('fuzz', 'fuzz@', '@fuzz.test', 'fuzz@@fuzz.test', 'fuzz@fuzz', 'a b@fuzz.test'),
	overlong(255).map((local) => `${local}@fuzz.test`),
	wrongTypes,
	fc.constantFrom('', ' ')
);
const password = fc.oneof(
	fc.constantFrom('', 'short', '1234567'),
	fc.integer({ min: 256, max: 2000 }).map((n) => 'p'.repeat(n))
);
const formKey = fc.oneof(
	tainted('fuzz-form-key', { punctuation: true }),
	fc.constantFrom('', 'short', 'a.b.c.d.e.f'),
	overlong(128)
);
const badDate = fc.oneof(
	fc.constantFrom(
		'2031-02-31',
		'2031-13-01',
		'2031-1-1',
		'2020-01-01',
		'1970-01-01T00:00:00Z',
		'tomorrow',
		'2099-01-01T25:00Z',
		'+275760-09-13',
		'1e10'
	),
	tainted('2099-01-01', { punctuation: false }),
	wrongTypes
);
const reason = badText(500);
const adminReason = fc.oneof(reason, fc.constantFrom('ab', ' ab '));
const bulkRows = fc
	.array(
		fc.oneof(
			fc.constantFrom('email,credits,reason', 'a,b', 'x@fuzz.test,10', '"unterminated,1,x'),
			fc
				.tuple(email, badWholeNumber(1e9), adminReason)
				.map((fields) => fields.map((field) => JSON.stringify(field)).join(',')),
			fc.string({ unit: 'binary', maxLength: 60 })
		),
		{ minLength: 1, maxLength: 5 }
	)
	.map((lines) => lines.join('\n'));

const jsonText = (value: string) => JSON.stringify(value);
const apiKey = fc.oneof(
	tainted('fuzz-api-key', { punctuation: false }).map(jsonText),
	overlong(200).map(jsonText),
	badJsonText(200)
);
const userIdMember: Field = { valid: (f) => jsonText(f.userId), invalid: badJsonText(255) };
const amountMember: Field = { valid: () => '1', invalid: badJsonWholeNumber(1e9) };
const apiReason = text(jsonText('fuzz'), badJsonText(500));
const holdId = (valid: (f: Fixture) => string): Field => ({
	valid,
	invalid: fc.oneof(badWholeNumber(1e15), badId('1'))
});

const adjustFields = {
	amount: text('2', badWholeNumber(1e9)),
	reason: text('fuzzing the form', adminReason),
	idempotencyKey: text('fuzz-adjust-key', formKey),
	...confirmYes
};
const userParam = { id: { valid: (f: Fixture) => f.userId, invalid: badId('x') } };
const endpointParam = { id: { valid: (f: Fixture) => f.endpointId, invalid: badId('ep_x') } };
const adjustMessage =
	/Enter a number of credits|Enter a whole number|Enter at least|Enter at most|Give a reason|Keep the reason|This form has expired|No such user|Choose paid or free|Enter a date|Choose a date|Tick the box|Page not found/;
const notFound = /not found|No such|has that id|no (user|hold|endpoint)/i;

export const targets: Target[] = [
	{
		kind: 'form',
		route: '/(auth)/login',
		action: 'default',
		caller: 'visitor',
		fields: {
			email: { valid: (f) => f.userEmail, invalid: email },
			password: { valid: (f) => f.userPassword, invalid: password }
		},
		message:
			/Enter your email|Enter a valid email|email address is too long|Enter your password|Use at least|Use at most/
	},
	{
		kind: 'form',
		route: '/(auth)/signup',
		action: 'default',
		caller: 'visitor',
		fields: {
			email: text('fuzz-never-created@fuzz.test', email),
			password: text('fuzz password long enough', password)
		},
		message:
			/Enter your email|Enter a valid email|email address is too long|Enter your password|Use at least|Use at most/
	},
	{
		kind: 'form',
		route: '/logout',
		action: 'POST',
		caller: 'visitor',
		fields: {},
		ignoresInput: true
	},
	{
		kind: 'form',
		route: '/settings/credits',
		action: 'buy',
		caller: 'user',
		fields: { packageId: text('basic', notOneOf(packages.map((pkg) => pkg.id))) },
		message: /Choose a package|not on sale/
	},
	{
		kind: 'form',
		route: '/settings/security',
		action: 'changePassword',
		caller: 'user',
		fields: {
			// Only spoils the form check refuses: a wrong guess would count against sign-in's throttle.
			currentPassword: {
				valid: (f) => f.userPassword,
				invalid: fc.oneof(
					fc.constant(''),
					fc.integer({ min: 257, max: 2000 }).map((n) => 'p'.repeat(n))
				)
			},
			newPassword: text('a brand new fuzz password', password)
		},
		message:
			/Enter your current password|That is not your current password|Use at least|Use at most|Enter your password|other than your current/
	},
	{
		kind: 'form',
		route: '/settings/security',
		action: 'signOutEverywhere',
		// As a visitor: a signed-in caller would end the session the other targets use.
		caller: 'visitor',
		fields: {},
		ignoresInput: true
	},
	{
		kind: 'form',
		route: '/demo',
		action: 'generate',
		caller: 'user',
		fields: {
			topic: text('fuzzing', badText(40)),
			attempt: {
				valid: () => `${Date.now()}-${crypto.randomUUID()}`,
				invalid: fc.oneof(
					badId('1700000000000-00000000-0000-0000-0000-000000000000'),
					fc.constant(`1000000000000-${crypto.randomUUID()}`)
				)
			}
		},
		message: /Give the haiku a topic|Keep the topic|Reload the page|out of date/
	},
	{
		kind: 'form',
		route: '/admin',
		action: 'resolveMismatch',
		caller: 'admin',
		fields: {
			purchaseId: { valid: (f) => f.purchaseId, invalid: badId('pur_x') },
			decision: text('credit', notOneOf(['credit', 'reject'])),
			reason: text('fuzzing', reason)
		},
		message:
			/Choose a purchase|Choose Credit or Reject|Give a reason|Keep the reason|purchase|review/i
	},
	{
		kind: 'form',
		route: '/admin/api-keys',
		action: 'create',
		caller: 'admin',
		fields: { name: text('fuzz key', badText(100)) },
		message: /Name the key|Keep the name/
	},
	{
		kind: 'form',
		route: '/admin/api-keys',
		action: 'revoke',
		caller: 'admin',
		fields: {
			id: { valid: (f) => f.spareKeyId, invalid: badWholeNumber(1e15) },
			...confirmYes
		},
		message: /Choose a key to revoke|No key has that id|Already revoked/
	},
	{
		kind: 'form',
		route: '/admin/events',
		action: 'reconcile',
		caller: 'admin',
		fields: {}
	},
	{
		kind: 'form',
		route: '/admin/events/[id]',
		action: 'replay',
		caller: 'admin',
		params: { id: { valid: (f) => f.eventId, invalid: badId('evt_x') } },
		fields: {},
		message: notFound
	},
	{
		kind: 'form',
		route: '/admin/grants/bulk',
		action: 'preview',
		caller: 'admin',
		fields: { rows: text('unused', bulkRows) },
		message: /Malformed CSV|Expected 3 fields|email:|credits:|reason:|Paste lines/,
		previews: true
	},
	{
		kind: 'form',
		route: '/admin/grants/bulk',
		action: 'apply',
		caller: 'admin',
		fields: { rows: { valid: (f) => `${f.userEmail},1,fuzzing bulk`, invalid: bulkRows } },
		message: /No line can be granted|Paste lines|send at most/
	},
	{
		kind: 'form',
		route: '/admin/packages',
		action: 'sync',
		caller: 'admin',
		fields: confirmYes
	},
	{
		kind: 'form',
		route: '/admin/purchases/[id]',
		action: 'refund',
		caller: 'admin',
		params: { id: { valid: (f) => f.purchaseId, invalid: badId('pur_x') } },
		fields: {
			amount: {
				valid: () => '1',
				invalid: badWholeNumber(1e12).filter((value) => value.trim() !== ''),
				optional: true
			},
			idempotencyKey: text('fuzz-refund-key', fc.oneof(fc.constant(''), overlong(200)))
		},
		message: /Enter whole cents|at least 1 cent|Reload the page|No purchase has that id|refund/i
	},
	{
		kind: 'form',
		route: '/admin/users/[id]',
		action: 'grant',
		caller: 'admin',
		params: userParam,
		fields: {
			...adjustFields,
			category: text('free', notOneOf(['paid', 'free'])),
			expiresAt: text('2099-01-01', badDate, true)
		},
		message: adjustMessage
	},
	{
		kind: 'form',
		route: '/admin/users/[id]',
		action: 'deduct',
		caller: 'admin',
		params: userParam,
		fields: { ...adjustFields, allowDebt: text('', notOneOf(['on', 'yes', 'true', '']), true) },
		message: adjustMessage
	},
	...(['promote', 'demote', 'signOutEverywhere'] as const).map((action): FormTarget => ({
		kind: 'form',
		route: '/admin/users/[id]',
		action,
		caller: 'admin',
		params: userParam,
		fields: confirmYes,
		message: /No such|not found|no user/i
	})),
	{
		kind: 'form',
		route: '/admin/webhooks',
		action: 'create',
		caller: 'admin',
		fields: {
			url: text(
				'https://fuzz.example/hook',
				fc.oneof(
					fc.constantFrom(
						'',
						'fuzz.example',
						'ftp://fuzz.example/',
						'javascript:alert(1)',
						'data:text/plain,x',
						'file:///etc/passwd',
						'https://user:secret@fuzz.example/',
						'http://',
						'https://exa mple.com/'
					),
					overlong(2000).map((tail) => `https://fuzz.example/${tail}`),
					wrongTypes
				)
			),
			description: text('', overlong(200), true),
			eventTypes: {
				valid: () => 'credits.granted',
				invalid: notOneOf(webhookEventTypes),
				repeatable: true
			},
			lowBalanceThreshold: text('', badWholeNumber(1e9), true)
		},
		message:
			/Enter the URL|Keep the URL|Enter a full URL|Only http|Leave credentials|Keep the description|Choose at least one|Choose events|threshold|Enter a whole number|Enter at least|Enter at most|Enter a number/
	},
	...(['disable', 'enable', 'rotate', 'delete'] as const).map((action): FormTarget => ({
		kind: 'form',
		route: '/admin/webhooks/[id]',
		action,
		caller: 'admin',
		params: endpointParam,
		fields: action === 'rotate' || action === 'delete' ? confirmYes : {},
		message: notFound
	})),
	{
		kind: 'form',
		route: '/admin/webhooks/[id]',
		action: 'resend',
		caller: 'admin',
		params: endpointParam,
		fields: {
			messageId: text(
				'msg_fuzz',
				fc.oneof(badId('msg_fuzz'), fc.constantFrom('MSG_FUZZ', 'msg_', 'fuzz'), overlong(70))
			)
		},
		message: /Send the form from this page|no such message|No webhook endpoint/i
	},

	{
		kind: 'api',
		route: '/api/v1/balance',
		method: 'GET',
		caller: 'key',
		fields: { user_id: { valid: (f) => f.userId, invalid: badId('x') } }
	},
	{
		kind: 'api',
		route: '/api/v1/transactions',
		method: 'GET',
		caller: 'key',
		fields: {
			user_id: { valid: (f) => f.userId, invalid: badId('x') },
			// A blank parameter reads as absent, which these three optional ones may be.
			type: text(
				'grant',
				notOneOf(transferCodes).filter((value) => value !== ''),
				true
			),
			limit: text(
				'5',
				badWholeNumber(100).filter((value) => value !== ''),
				true
			),
			starting_after: text(
				'1',
				badId('1').filter((value) => value !== ''),
				true
			)
		}
	},
	{
		kind: 'api',
		route: '/api/v1/users',
		method: 'GET',
		caller: 'key',
		fields: { email: { valid: (f) => f.userEmail, invalid: email } }
	},
	{
		kind: 'api',
		route: '/api/v1/holds/[id]',
		method: 'GET',
		caller: 'key',
		params: { id: holdId((f) => f.holdId) },
		fields: {}
	},
	{
		kind: 'api',
		route: '/api/v1/spend',
		method: 'POST',
		caller: 'key',
		fields: {
			user_id: userIdMember,
			amount: amountMember,
			idempotency_key: text(jsonText('fuzz-spend'), apiKey),
			reason: apiReason,
			metadata: text(
				'{}',
				fc.oneof(
					jsonNotString.filter((value) => !value.startsWith('{')),
					fc.constantFrom('{"":"x"}', '{"k":1}', '{"k":null}', '{"k":{}}'),
					fc
						.integer({ min: 21, max: 60 })
						.map((n) =>
							JSON.stringify(
								Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']))
							)
						),
					overlong(40).map((key) => JSON.stringify({ [key]: 'v' })),
					overlong(500).map((value) => JSON.stringify({ k: value }))
				),
				true
			)
		}
	},
	{
		kind: 'api',
		route: '/api/v1/holds',
		method: 'POST',
		caller: 'key',
		fields: {
			user_id: userIdMember,
			amount: amountMember,
			idempotency_key: text(jsonText('fuzz-hold'), apiKey),
			expires_in_seconds: text('3600', badJsonWholeNumber(86_400)),
			reason: text(jsonText('fuzz'), badJsonText(500), true)
		}
	},
	{
		kind: 'api',
		route: '/api/v1/holds/[id]/capture',
		method: 'POST',
		caller: 'key',
		params: { id: holdId((f) => f.holdId) },
		fields: {
			amount: { ...amountMember, optional: true },
			idempotency_key: text(jsonText('fuzz-capture'), apiKey)
		}
	},
	{
		kind: 'api',
		route: '/api/v1/holds/[id]/release',
		method: 'POST',
		caller: 'key',
		params: { id: holdId((f) => f.holdId) },
		fields: { idempotency_key: text(jsonText('fuzz-release'), apiKey, true) }
	},
	{
		kind: 'api',
		route: '/api/v1/grants',
		method: 'POST',
		caller: 'key',
		fields: {
			user_id: userIdMember,
			amount: amountMember,
			idempotency_key: text(jsonText('fuzz-grant'), apiKey),
			reason: apiReason,
			category: text(
				jsonText('free'),
				fc.oneof(notOneOf(['paid', 'free']).map(jsonText), jsonNotString),
				true
			),
			expires_at: text(
				jsonText('2099-01-01T00:00:00Z'),
				fc.oneof(badDate.map(jsonText), jsonNotString),
				true
			)
		}
	},
	...(['/api/v1/openapi.json', '/api/v1/ping'] as const).map((route): ApiTarget => ({
		kind: 'api',
		route,
		method: 'GET',
		caller: 'key',
		fields: {},
		ignoresInput: true
	})),
	{
		kind: 'api',
		route: '/api/v1/[...path]',
		method: 'fallback',
		caller: 'key',
		params: {
			path: {
				valid: () => 'fuzz-no-such-endpoint',
				invalid: fc
					.array(
						fc
							.string({ unit: 'binary', minLength: 1, maxLength: 12 })
							.filter((part) => !part.includes('/') && !['.', '..'].includes(part.toWellFormed())),
						{
							minLength: 1,
							maxLength: 4
						}
					)
					.map((segments) => ['fuzz', ...segments].join('/'))
			}
		},
		fields: {},
		message: /no endpoint/
	},
	{
		kind: 'api',
		route: '/api/webhooks/stripe',
		method: 'POST',
		caller: 'stripe',
		fields: {},
		message: /signature|tolerance|payload|not JSON|not an object with an id|^id: /i
	}
];

/** How a target is named in the test titles and the report: `POST /admin/users/[id]?/grant`. */
export function targetName(target: Target): string {
	if (target.kind === 'api')
		return `${target.method === 'fallback' ? 'ANY' : target.method} ${target.route}`;
	return target.action === 'POST'
		? `POST ${target.route}`
		: `POST ${target.route}?/${target.action}`;
}
