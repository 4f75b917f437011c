import { error } from '@sveltejs/kit';

const formTypes = ['application/x-www-form-urlencoded', 'multipart/form-data'];

/**
 * The posted form, or a 4xx that says what is wrong with it. Every form action reads its body here:
 * SvelteKit lets `text/plain` through to actions (browsers can send it, so it is CSRF-checked like a
 * form), and `request.formData()` throws on it and on any malformed multipart body, which would be a 500.
 * A field sent twice is refused unless it is `repeatable` (checkboxes): `form.get` reads the first copy
 * and `Object.fromEntries(form)` the last, so two copies could pass a check with one and act on the other.
 */
export async function readForm(
	request: Request,
	{ repeatable = [] }: { repeatable?: readonly string[] } = {}
): Promise<FormData> {
	const type = request.headers.get('content-type')?.split(';')[0].trim().toLowerCase() ?? '';
	if (!formTypes.includes(type))
		error(415, 'Send the form as application/x-www-form-urlencoded or multipart/form-data.');
	let form: FormData;
	try {
		form = await request.formData();
	} catch (cause) {
		// adapter-node's 413 for a body over BODY_SIZE_LIMIT already carries its status and says why.
		if (cause instanceof Error && 'status' in cause) throw cause;
		error(400, 'The form could not be read. Reload the page and try again.');
	}
	const repeated = repeatedField(form, repeatable);
	if (repeated !== undefined)
		error(
			400,
			`The form repeats the field "${repeated.slice(0, 40)}". Reload the page and try again.`
		);
	return form;
}

function repeatedField(form: FormData, repeatable: readonly string[]): string | undefined {
	const seen = new Set<string>();
	for (const [name] of form) {
		if (seen.has(name) && !repeatable.includes(name)) return name;
		seen.add(name);
	}
}
