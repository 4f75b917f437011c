import fc from 'fast-check';

/**
 * Values that a field must refuse, by kind. Each is invalid whatever else the form holds, so an
 * answer other than a refusal is a finding, not noise. Whitespace that zod's `trim()` removes is left
 * out of the "taint" characters: ` 5 ` is a valid amount.
 */

const taintCharacters = [
	'\u0000',
	'\u0001',
	'\u0007',
	'\u001b',
	'\u007f',
	'\u0085',
	'\u200b',
	'\u202e',
	'\ud800',
	'\ufffd',
	'é',
	'😀'
];
// Visible ASCII that word-like formats (amounts, ids, keys of the admin forms) refuse too.
const punctuation = ['"', "'", '<', '%', '%00', '%C3%28', '\\', ';', '/', '.', '+'];

/**
 * `valid` with a character put somewhere in it that no strict format allows: a control, NUL, an
 * invisible or right-to-left mark, a lone surrogate, an emoji; with `punctuation`,
 * ASCII punctuation too (for formats that take letters and digits only).
 */
export function tainted(valid: string, { punctuation: withPunctuation = true } = {}) {
	const noise = withPunctuation ? [...taintCharacters, ...punctuation] : taintCharacters;
	return fc
		.tuple(fc.constantFrom(...noise), fc.nat({ max: Math.max(valid.length - 1, 0) }))
		.map(([character, at]) => valid.slice(0, at + 1) + character + valid.slice(at + 1));
}

/** Longer than `max` characters (code points, as zod counts them: 😀 is one), ASCII or not. */
export function overlong(max: number): fc.Arbitrary<string> {
	return fc.oneof(
		fc.integer({ min: max + 1, max: max * 3 + 10 }).map((n) => 'x'.repeat(n)),
		fc.integer({ min: max + 1, max: max * 2 }).map((n) => '😀'.repeat(n)),
		fc.string({ unit: 'binary', minLength: max + 1, maxLength: max + 40 })
	);
}

/** Text that is no kind of value here: a type's name, markup, an object's spelling. */
export const wrongTypes = fc.constantFrom(
	'null',
	'undefined',
	'true',
	'[]',
	'{}',
	'[object Object]',
	'<script>alert(1)</script>',
	"' OR 1=1 --",
	'__proto__',
	'constructor'
);

/** Whole numbers of credits outside 1…max, and anything that is not a plain whole number. */
export function badWholeNumber(max: number): fc.Arbitrary<string> {
	return fc.oneof(
		fc.constantFrom(
			'',
			'0',
			'-0',
			'-1',
			'+5',
			'1.5',
			'0.1',
			'1.',
			'.5',
			'1e3',
			'1E2',
			'1e400',
			'NaN',
			'Infinity',
			'-Infinity',
			'0x10',
			'0b1',
			'0o7',
			'1_000',
			'1,000',
			'5 5',
			'١٢',
			'１２',
			'9007199254740993',
			'99999999999999999999'
		),
		fc.integer({ min: -1e12, max: -1 }).map(String),
		fc
			.double({ noNaN: true })
			.filter((n) => !Number.isInteger(n))
			.map(String),
		fc.bigInt({ min: BigInt(max) + 1n, max: 10n ** 30n }).map(String),
		fc
			.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 400 }))
			.map(([digit, exponent]) => `${digit}e${exponent}`),
		tainted('100'),
		wrongTypes
	);
}

/** Text that must be 1…max characters once trimmed. */
export function badText(max: number): fc.Arbitrary<string> {
	return fc.oneof(fc.constantFrom('', ' ', '\t\n', '\u3000'), overlong(max));
}

/** Not one of `allowed`: near misses (case, padding with controls), other words, garbage. */
export function notOneOf(allowed: readonly string[]): fc.Arbitrary<string> {
	const near = fc
		.constantFrom(...allowed)
		.chain((word) =>
			fc.oneof(fc.constant(word.toUpperCase()), tainted(word), fc.constant(`${word}s`))
		);
	return fc
		.oneof(near, wrongTypes, fc.string({ unit: 'binary', maxLength: 30 }), overlong(300))
		.filter((value) => !allowed.includes(value.trim()));
}

/** An id of the shape `valid` has, spoiled, or no id at all. */
export function badId(valid: string): fc.Arbitrary<string> {
	return fc.oneof(tainted(valid), overlong(300), wrongTypes, fc.constantFrom('', ' ', '0', '-1'));
}

/** Raw JSON text for a whole-number field: wrong types, and numbers no amount can be. */
export function badJsonWholeNumber(max: number): fc.Arbitrary<string> {
	return fc.oneof(
		fc.constantFrom(
			'0',
			'-0',
			'-1',
			'1.5',
			'1e400',
			'-1e400',
			'1e-7',
			'"100"',
			'"1e2"',
			'"NaN"',
			'true',
			'null',
			'[]',
			'[100]',
			'{}',
			'{"amount":100}',
			'9007199254740993'
		),
		fc.integer({ min: -1e12, max: 0 }).map(String),
		fc
			.double({ noNaN: true, noDefaultInfinity: true })
			.filter((n) => !Number.isInteger(n))
			.map(String),
		fc.bigInt({ min: BigInt(max) + 1n, max: 10n ** 30n }).map(String)
	);
}

/** Raw JSON text for a string field: other types, and strings outside 1…max characters. */
export function badJsonText(max: number): fc.Arbitrary<string> {
	return fc.oneof(
		fc.constantFrom('1', '0', 'true', 'null', '[]', '["a"]', '{}', '""', '" "'),
		overlong(max).map((text) => JSON.stringify(text))
	);
}

/** Raw JSON text of any value but a string: what a client confused about types sends. */
export const jsonNotString = fc.oneof(
	fc.constantFrom('1', '1.5', 'true', 'null', '[]', '{}'),
	fc
		.jsonValue({ maxDepth: 2 })
		.filter((value) => typeof value !== 'string')
		.map((value) => JSON.stringify(value))
);
