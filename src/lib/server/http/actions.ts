import { text, type Handle } from '@sveltejs/kit';

/**
 * SvelteKit finds a form action with `actions[name]`, so `?/constructor`, `?/toString` or `?/__proto__`
 * reach Object.prototype's members (and `?/default` throws): a 500, or worse, a call. No action of ours
 * may have such a name, so a POST naming one is answered 404 before any route runs.
 */
export const refuseInheritedActionNames: Handle = ({ event, resolve }) => {
	const name = event.request.method === 'POST' ? actionName(event.url) : undefined;
	if (name !== undefined && (name === 'default' || name in Object.prototype)) {
		return text('No such form action.', { status: 404 });
	}
	return resolve(event);
};

/** The action a POST names, read as SvelteKit reads it: the first query parameter starting with `/`. */
function actionName(url: URL): string | undefined {
	for (const [key] of url.searchParams) if (key.startsWith('/')) return key.slice(1);
}
