import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import type { Field, Fixture, Target } from './targets';
import { overlong } from './values';

/** One request of the fuzz run, before the caller's credentials are added. */
export type Probe = {
	method: string;
	path: string;
	headers: Record<string, string>;
	body?: Buffer;
	/** What was spoiled, for the failure message. */
	label: string;
};

type Spoil =
	| { kind: 'value'; value: string }
	| { kind: 'missing' }
	/** Sent as a file part: a form field that is not text. */
	| { kind: 'file'; value: string }
	/** Sent twice: a form field with its valid value twice, a JSON member valid then spoiled. */
	| { kind: 'repeat'; value: string };
type Spoils = Record<string, Spoil>;

/** Over adapter-node's default BODY_SIZE_LIMIT (512K) and the API's 16 KiB. */
const formLimitBytes = 512 * 1024;
const apiLimitBytes = 16 * 1024;

const boundary = 'fuzz-boundary-7MA4YWxkTrZu0gW';
const urlencoded = 'application/x-www-form-urlencoded';

const wellFormed = (text: string) => text.toWellFormed();
const segment = (text: string) => encodeURIComponent(wellFormed(text));

/** The route's URL path with its parameters filled in (and the action's query). */
function pathOf(target: Target, params: Record<string, string>): string {
	const route = target.route
		.replace(/\/\([^)]+\)/g, '')
		.replace(/\[\.\.\.(\w+)\]/g, (_, name: string) =>
			params[name]
				.split('/')
				.map((part) => segment(part))
				.join('/')
		)
		.replace(/\[(\w+)\]/g, (_, name: string) => segment(params[name]));
	if (target.kind === 'form' && target.action !== 'default' && target.action !== 'POST')
		return `${route}?/${target.action}`;
	return route;
}

type Part = { name: string; value: string; file?: boolean };

function encodeUrlencoded(parts: Part[]): Buffer {
	const params = new URLSearchParams();
	for (const part of parts) params.append(part.name, wellFormed(part.value));
	return Buffer.from(params.toString());
}

function encodeMultipart(parts: Part[]): Buffer {
	const chunks = parts.map((part) => {
		const filename = part.file ? `; filename="fuzz.txt"\r\nContent-Type: text/plain` : '';
		return `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${filename}\r\n\r\n${part.value}\r\n`;
	});
	return Buffer.from(`${chunks.join('')}--${boundary}--\r\n`);
}

const multipartType = `multipart/form-data; boundary=${boundary}`;

/** The fields with their spoils applied, in order; a repeated field keeps both copies. */
function partsOf(
	fields: Record<string, Field>,
	spoils: Spoils,
	fixture: Fixture,
	repeatLast: boolean
): Part[] {
	const parts: Part[] = [];
	for (const [name, field] of Object.entries(fields)) {
		const spoil = spoils[name];
		const valid = field.valid(fixture);
		if (!spoil) parts.push({ name, value: valid });
		else if (spoil.kind === 'value') parts.push({ name, value: spoil.value });
		else if (spoil.kind === 'file') parts.push({ name, value: spoil.value, file: true });
		else if (spoil.kind === 'repeat')
			parts.push({ name, value: valid }, { name, value: repeatLast ? spoil.value : valid });
	}
	return parts;
}

function spoilOf(field: Field, context: 'param' | 'form' | 'json' | 'query'): fc.Arbitrary<Spoil> {
	// An empty or dot segment would name another route (`/admin/users/` redirects to `/admin/users`).
	const invalid =
		context === 'param'
			? field.invalid!.filter((value) => !['', '.', '..'].includes(value.toWellFormed()))
			: field.invalid!;
	const options: fc.Arbitrary<Spoil>[] = [invalid.map((value) => ({ kind: 'value', value }))];
	if (context === 'param') return options[0];
	if (!field.optional) options.push(fc.constant({ kind: 'missing' }));
	if (context === 'form' && !field.optional)
		options.push(invalid.map((value) => ({ kind: 'file', value })));
	if (context === 'form' && !field.repeatable)
		options.push(fc.constant({ kind: 'repeat', value: '' }));
	if (context === 'json') options.push(invalid.map((value) => ({ kind: 'repeat', value })));
	return fc.oneof(...options);
}

/** At least one spoiled field or parameter, each spoiled its own way. */
function spoilsOf(fields: Record<string, Field>, context: 'form' | 'json' | 'query') {
	const named = (source: Record<string, Field>) =>
		Object.entries(source).filter(([, field]) => field.invalid !== undefined);
	return (target: Target): fc.Arbitrary<{ params: Spoils; fields: Spoils }> | null => {
		const candidates = [
			...named(target.params ?? {}).map(([name, field]) => ({ name, field, param: true })),
			...named(fields).map(([name, field]) => ({ name, field, param: false }))
		];
		if (candidates.length === 0) return null;
		return fc.subarray(candidates, { minLength: 1 }).chain((chosen) =>
			fc
				.tuple(...chosen.map((c) => spoilOf(c.field, c.param ? 'param' : context)))
				.map((picked) => {
					const spoils = { params: {} as Spoils, fields: {} as Spoils };
					chosen.forEach((c, i) => ((c.param ? spoils.params : spoils.fields)[c.name] = picked[i]));
					return spoils;
				})
		);
	};
}

/** Names no field has, `__proto__` and friends among them, with anything for a value. */
function extrasOf(fields: Record<string, Field>) {
	const name = fc
		.oneof(
			fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'id[]', 'a.b', ''),
			fc.string({ unit: 'binary', minLength: 1, maxLength: 20 })
		)
		.filter((candidate) => !Object.hasOwn(fields, candidate));
	return fc.array(fc.tuple(name, fc.string({ unit: 'binary', maxLength: 40 })), { maxLength: 3 });
}

function paramsOf(target: Target, spoils: Spoils, fixture: Fixture): Record<string, string> {
	return Object.fromEntries(
		Object.entries(target.params ?? {}).map(([name, field]) => {
			const spoil = spoils[name];
			return [name, spoil?.kind === 'value' ? spoil.value : field.valid(fixture)];
		})
	);
}

const describe = (spoils: Spoils) =>
	Object.entries(spoils)
		.map(
			([name, spoil]) =>
				`${name}:${spoil.kind}${'value' in spoil ? `=${JSON.stringify(spoil.value).slice(0, 80)}` : ''}`
		)
		.join(' ');

// ---- form actions ----

type Envelope = { name: string; contentType?: string; body: (parts: Part[]) => Buffer };

const formEnvelopes: fc.Arbitrary<Envelope> = fc.oneof(
	fc.constantFrom<Envelope>(
		{ name: 'text/plain', contentType: 'text/plain', body: encodeUrlencoded },
		{
			name: 'JSON',
			contentType: 'application/json',
			body: (parts) =>
				Buffer.from(JSON.stringify(Object.fromEntries(parts.map((p) => [p.name, p.value]))))
		},
		{ name: 'no content type', body: encodeUrlencoded },
		{ name: 'XML', contentType: 'application/xml', body: () => Buffer.from('<form/>') },
		{
			name: 'multipart without a boundary',
			contentType: 'multipart/form-data',
			body: encodeMultipart
		},
		{
			name: 'multipart with another boundary',
			contentType: 'multipart/form-data; boundary=other',
			body: encodeMultipart
		},
		{
			name: 'truncated multipart',
			contentType: multipartType,
			body: (parts) => encodeMultipart(parts).subarray(0, -12)
		},
		{
			name: 'multipart that is not multipart',
			contentType: multipartType,
			body: () => Buffer.from('\u0000\u0001 not a multipart body')
		}
	),
	fc.integer({ min: formLimitBytes + 1, max: formLimitBytes * 2 }).map((size): Envelope => ({
		name: `${size} bytes`,
		contentType: urlencoded,
		body: (parts) => {
			const form = encodeUrlencoded(parts);
			return Buffer.concat([form, Buffer.from(`&padding=${'x'.repeat(size - form.length)}`)]);
		}
	}))
);

function formProbes(target: Target & { kind: 'form' }, fixture: Fixture): fc.Arbitrary<Probe> {
	const valid = fc.constant(null);
	const spoiled = spoilsOf(target.fields, 'form')(target);
	const fieldProbe = spoiled
		? fc
				.record({
					spoils: spoiled,
					extras: extrasOf(target.fields),
					multipart: fc.boolean(),
					accept: fc.constantFrom('text/html', 'application/json')
				})
				.map(({ spoils, extras, multipart, accept }): Probe => {
					const parts: Part[] = [
						...partsOf(target.fields, spoils.fields, fixture, false),
						...extras.map(([name, value]) => ({ name, value }))
					];
					const asMultipart = multipart || parts.some((part) => part.file);
					return {
						method: 'POST',
						path: pathOf(target, paramsOf(target, spoils.params, fixture)),
						headers: {
							accept,
							'content-type': asMultipart ? multipartType : urlencoded
						},
						body: asMultipart ? encodeMultipart(parts) : encodeUrlencoded(parts),
						label: `${describe({ ...spoils.params, ...spoils.fields })}${extras.length ? ` +${extras.length} extra` : ''}${asMultipart ? ' (multipart)' : ''} ${accept}`
					};
				})
		: null;
	const envelopeProbe = fc
		.tuple(formEnvelopes, fc.constantFrom('text/html', 'application/json'), valid)
		.map(([envelope, accept]): Probe => {
			const parts = partsOf(target.fields, {}, fixture, false);
			return {
				method: 'POST',
				path: pathOf(target, paramsOf(target, {}, fixture)),
				headers: { accept, ...(envelope.contentType && { 'content-type': envelope.contentType }) },
				body: envelope.body(parts),
				label: `valid fields as ${envelope.name}, ${accept}`
			};
		});
	if (target.ignoresInput)
		return fc
			.tuple(extrasOf(target.fields), envelopeProbe)
			.map(([extras, probe]) => ({ ...probe, label: `${probe.label} +${extras.length} extra` }));
	return fieldProbe ? fc.oneof({ arbitrary: fieldProbe, weight: 3 }, envelopeProbe) : envelopeProbe;
}

// ---- the HTTP API ----

function jsonBody(
	fields: Record<string, Field>,
	spoils: Spoils,
	fixture: Fixture,
	extras: [string, string][]
) {
	const members = partsOf(fields, spoils, fixture, true).map(
		(part) => `${JSON.stringify(part.name)}:${part.value}`
	);
	for (const [name, value] of extras)
		members.push(`${JSON.stringify(name)}:${JSON.stringify(value)}`);
	return `{${members.join(',')}}`;
}

// Not a leading BOM: RFC 8259 lets a parser ignore one, and TextDecoder does.
const malformedJson = (valid: string) =>
	fc.constantFrom(
		valid.slice(0, -1),
		`${valid.slice(0, -1)},}`,
		valid.replaceAll('"', "'"),
		`${valid} trailing`,
		`${valid}${valid}`,
		'{"amount": NaN}',
		'{"amount": Infinity}',
		'// comment\n{}',
		'undefined',
		'[]',
		'null',
		'"a string"',
		'1',
		'\u0000'
	);

function apiProbes(target: Target & { kind: 'api' }, fixture: Fixture): fc.Arbitrary<Probe> {
	if (target.route === '/api/webhooks/stripe') return webhookProbes(fixture);
	const method = target.method === 'fallback' ? 'GET' : target.method;
	const spoiled = spoilsOf(target.fields, method === 'GET' ? 'query' : 'json')(target);
	if (target.method === 'fallback')
		return fc
			.tuple(spoiled!, fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'))
			.map(([spoils, verb]) => ({
				method: verb,
				path: pathOf(target, paramsOf(target, spoils.params, fixture)),
				headers: {},
				label: `${verb} ${describe(spoils.params)}`
			}));
	if (method === 'GET') {
		const queryProbe = (spoils: { params: Spoils; fields: Spoils }, extras: [string, string][]) => {
			const query = new URLSearchParams();
			for (const part of partsOf(target.fields, spoils.fields, fixture, false))
				query.append(part.name, wellFormed(part.value));
			for (const [name, value] of extras) query.append(wellFormed(name), wellFormed(value));
			const search = query.size > 0 ? `?${query}` : '';
			return {
				method,
				path: `${pathOf(target, paramsOf(target, spoils.params, fixture))}${search}`,
				headers: {},
				label: `${describe({ ...spoils.params, ...spoils.fields })} +${extras.length} extra`
			};
		};
		// A blank parameter reads as absent (presentParams), so it would be no spoiling at all.
		const present = (extras: [string, string][]) =>
			extras.filter(
				([name, value]) =>
					wellFormed(name) !== '' &&
					wellFormed(value) !== '' &&
					!Object.hasOwn(target.fields, wellFormed(name))
			);
		const extraParams = extrasOf(target.fields).map(present);
		if (target.ignoresInput || !spoiled)
			return extraParams
				.filter((extras) => target.ignoresInput === true || extras.length > 0)
				.map((extras) => queryProbe({ params: {}, fields: {} }, extras));
		return fc.oneof(
			fc
				.tuple(spoiled, extrasOf(target.fields))
				.map(([spoils, extras]) => queryProbe(spoils, present(extras))),
			extraParams
				.filter((extras) => extras.length > 0)
				.map((extras) => queryProbe({ params: {}, fields: {} }, extras))
		);
	}
	const path = (spoils: Spoils) => pathOf(target, paramsOf(target, spoils, fixture));
	const valid = jsonBody(target.fields, {}, fixture, []);
	const someRequired = Object.values(target.fields).some((field) => !field.optional);
	const fieldProbe = fc
		.record({ spoils: spoiled!, extras: extrasOf(target.fields) })
		.map(({ spoils, extras }): Probe => ({
			method,
			path: path(spoils.params),
			headers: { 'content-type': 'application/json' },
			body: Buffer.from(jsonBody(target.fields, spoils.fields, fixture, extras)),
			label: `${describe({ ...spoils.params, ...spoils.fields })} +${extras.length} extra`
		}));
	const envelopes: fc.Arbitrary<Probe>[] = [
		malformedJson(valid).map((body) => ({
			method,
			path: path({}),
			headers: { 'content-type': 'application/json' },
			body: Buffer.from(body),
			label: `malformed JSON ${JSON.stringify(body).slice(0, 60)}`
		})),
		fc
			.constantFrom('text/plain', urlencoded, 'application/jsonx', 'text/json', undefined)
			.map((contentType): Probe => ({
				method,
				path: path({}),
				headers: contentType ? { 'content-type': contentType } : {},
				body: Buffer.from(valid),
				label: `valid JSON as ${contentType ?? 'no content type'}`
			})),
		fc.integer({ min: apiLimitBytes + 1, max: apiLimitBytes * 8 }).map((size) => ({
			method,
			path: path({}),
			headers: { 'content-type': 'application/json' },
			body: Buffer.from(`${valid.slice(0, -1)},"padding":"${'x'.repeat(size)}"}`),
			label: `${size} bytes`
		}))
	];
	if (someRequired)
		envelopes.push(fc.constant({ method, path: path({}), headers: {}, label: 'no body' }));
	return fc.oneof({ arbitrary: fieldProbe, weight: 3 }, ...envelopes);
}

// ---- the Stripe webhook ----

function sign(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)) {
	const signature = createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex');
	return `t=${timestamp},v1=${signature}`;
}

const eventLike = fc.record(
	{
		id: fc.oneof(fc.constant('evt_fuzz'), fc.string({ maxLength: 30 })),
		object: fc.constant('event'),
		type: fc.constantFrom('checkout.session.completed', 'charge.refunded', 'fuzz.unknown'),
		data: fc.record({ object: fc.jsonValue({ maxDepth: 2 }) })
	},
	{ requiredKeys: [] }
);

/** Signed bodies that name no event (nothing to record them under): refused before anything is stored. */
const anonymousBodies = fc.oneof(
	fc.constantFrom(
		'',
		'not json',
		'{',
		'[1,2]',
		'1',
		'"evt"',
		'null',
		'{}',
		'{"id":""}',
		'{"id":1}'
	),
	fc
		.jsonValue({ maxDepth: 2 })
		.filter(
			(value) =>
				typeof value !== 'object' ||
				value === null ||
				Array.isArray(value) ||
				typeof (value as { id?: unknown }).id !== 'string' ||
				(value as { id: string }).id === ''
		)
		.map((value) => JSON.stringify(value)),
	fc.string({ unit: 'binary', maxLength: 200 })
);

function webhookProbes(fixture: Fixture & { webhookSecret?: string }): fc.Arbitrary<Probe> {
	const secret = fixture.webhookSecret ?? '';
	const post = (body: string, signature: string | undefined, label: string): Probe => ({
		method: 'POST',
		path: '/api/webhooks/stripe',
		headers: {
			'content-type': 'application/json',
			...(signature !== undefined && { 'stripe-signature': signature })
		},
		body: Buffer.from(wellFormed(body)),
		label
	});
	const payload = fc.oneof(
		eventLike.map((event) => JSON.stringify(event)),
		fc.string({ unit: 'binary', maxLength: 200 }),
		overlong(20_000)
	);
	const badSignature = fc.oneof(
		fc.constantFrom(undefined, '', 'garbage', 't=,v1=', 'v1=abc', 't=abc,v1=abc'),
		fc.constant('wrong secret'),
		fc.constant('expired'),
		fc.constant('other payload')
	);
	return fc.oneof(
		fc.tuple(payload, badSignature).map(([body, signature]) => {
			const made =
				signature === 'wrong secret'
					? sign(body, 'whsec_fuzz_wrong_secret')
					: signature === 'expired'
						? sign(body, secret, Math.floor(Date.now() / 1000) - 301)
						: signature === 'other payload'
							? sign(`${body} `, secret)
							: signature;
			return post(body, made, `signature ${signature ?? 'missing'}`);
		}),
		anonymousBodies.map((body) =>
			post(body, sign(wellFormed(body), secret), 'signed, names no event')
		)
	);
}

/** Every request the fuzz run may send `target`. */
export function probesFor(target: Target, fixture: Fixture & { webhookSecret: string }) {
	return target.kind === 'form' ? formProbes(target, fixture) : apiProbes(target, fixture);
}
