export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };

/**
 * Parses Stripe's bracket form encoding (`a[b][0][c]=v`, `expand[]=x`) into nested values.
 * Objects whose keys are all indices become arrays, as Stripe's own parser does.
 */
export function parseForm(encoded: string): FormObject {
	const root: FormObject = {};
	for (const pair of encoded.split('&')) {
		if (pair === '') continue;
		const eq = pair.indexOf('=');
		const rawKey = eq === -1 ? pair : pair.slice(0, eq);
		const rawValue = eq === -1 ? '' : pair.slice(eq + 1);
		assign(root, splitKey(decode(rawKey)), decode(rawValue));
	}
	return toArrays(root) as FormObject;
}

function decode(text: string): string {
	return decodeURIComponent(text.replace(/\+/g, ' '));
}

function splitKey(key: string): string[] {
	const open = key.indexOf('[');
	if (open <= 0) return [key];
	const segments = [key.slice(0, open)];
	for (const match of key.slice(open).matchAll(/\[([^\]]*)\]/g)) segments.push(match[1]);
	return segments;
}

function assign(target: FormObject, segments: string[], value: string): void {
	let node = target;
	for (let i = 0; i < segments.length - 1; i++) {
		const segment = appendIndex(node, segments[i]);
		const child = node[segment];
		if (child === undefined || typeof child === 'string' || Array.isArray(child))
			node[segment] = {};
		node = node[segment] as FormObject;
	}
	node[appendIndex(node, segments[segments.length - 1])] = value;
}

/** `key[]` appends: it takes the next free index. */
function appendIndex(node: FormObject, segment: string): string {
	return segment === '' ? String(Object.keys(node).length) : segment;
}

function toArrays(value: FormValue): FormValue {
	if (typeof value === 'string' || Array.isArray(value)) return value;
	const keys = Object.keys(value);
	const converted = Object.fromEntries(keys.map((key) => [key, toArrays(value[key])]));
	const isList = keys.length > 0 && keys.every((key) => /^\d+$/.test(key));
	if (!isList) return converted;
	return keys
		.map(Number)
		.sort((a, b) => a - b)
		.map((index) => converted[String(index)]);
}
