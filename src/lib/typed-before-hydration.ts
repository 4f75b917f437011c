/**
 * Svelte's hydration writes each `value={…}` back into its field, wiping what someone typed while
 * the page's scripts were still loading (sveltejs/kit#8895). This remembers what was typed from the
 * moment the app starts and puts it back once the page has hydrated.
 */
type Field = HTMLInputElement | HTMLTextAreaElement;

const typed = new Map<Field, string>();
let watching = false;

const isTextField = (element: EventTarget | null): element is Field =>
	element instanceof HTMLTextAreaElement ||
	(element instanceof HTMLInputElement &&
		!['checkbox', 'radio', 'file', 'hidden', 'submit', 'button', 'reset', 'image'].includes(
			element.type
		));

function remember(event: Event) {
	if (isTextField(event.target)) typed.set(event.target, event.target.value);
}

/** Called before hydration: fields already changed count as typed, and so does every input from now. */
export function watchTypedValues() {
	for (const field of document.querySelectorAll<Field>('input, textarea'))
		if (isTextField(field) && field.value !== field.defaultValue) typed.set(field, field.value);
	document.addEventListener('input', remember, true);
	watching = true;
}

/** Called once the page has hydrated. The input event tells bindings and handlers, as typing would have. */
export function restoreTypedValues() {
	if (!watching) return;
	watching = false;
	document.removeEventListener('input', remember, true);
	for (const [field, value] of typed) {
		if (!field.isConnected || field.value === value) continue;
		field.value = value;
		field.dispatchEvent(new Event('input', { bubbles: true }));
	}
	typed.clear();
}
