import { beforeAll, describe, expect, it } from 'vitest';
import { targetName, targets } from '../e2e/fuzz/targets';

// The routes on disk, so a new form action or endpoint fails here until the fuzz run (tests/e2e/fuzz.spec.ts) covers it.
type RouteModule = Record<string, unknown>;
const pageModules = import.meta.glob<RouteModule>('/src/routes/**/+page.server.ts');
const serverModules = import.meta.glob<RouteModule>('/src/routes/**/+server.ts');
const writeMethods = ['POST', 'PUT', 'PATCH', 'DELETE'];
const apiMethods = ['GET', ...writeMethods];

function routeOf(file: string) {
	return file.replace(/^\/src\/routes/, '').replace(/\/\+[^/]+$/, '') || '/';
}

async function onDisk(): Promise<string[]> {
	const names: string[] = [];
	for (const [file, load] of Object.entries(pageModules)) {
		const actions = (await load()).actions as Record<string, unknown> | undefined;
		for (const action of Object.keys(actions ?? {}))
			names.push(
				targetName({ kind: 'form', route: routeOf(file), action, caller: 'admin', fields: {} })
			);
	}
	for (const [file, load] of Object.entries(serverModules)) {
		const route = routeOf(file);
		const module = await load();
		const isApi = route.startsWith('/api/');
		for (const method of isApi ? apiMethods : writeMethods) {
			if (typeof module[method] !== 'function') continue;
			names.push(
				isApi
					? targetName({ kind: 'api', route, method: method as 'GET', caller: 'key', fields: {} })
					: targetName({ kind: 'form', route, action: 'POST', caller: 'visitor', fields: {} })
			);
		}
		if (isApi && typeof module.fallback === 'function')
			names.push(targetName({ kind: 'api', route, method: 'fallback', caller: 'key', fields: {} }));
	}
	return names.sort();
}

beforeAll(() => {
	process.env.DATABASE_URL = ':memory:';
});

describe('the fuzz run covers every form action and API endpoint', () => {
	it('has one fuzz target per action and endpoint on disk, and none for a route that is gone', async () => {
		const found = await onDisk();
		expect(found.length).toBeGreaterThan(30);
		expect(targets.map(targetName).sort()).toEqual(found);
	});

	it('spoils something in every target that takes input', () => {
		for (const target of targets.filter((target) => !target.ignoresInput)) {
			const fields = Object.values({ ...target.params, ...target.fields });
			const spoilable = fields.some((field) => field.invalid !== undefined);
			// A target with nothing to spoil is still sent malformed bodies (forms) or is the webhook.
			expect(
				spoilable || target.kind === 'form' || target.caller === 'stripe',
				targetName(target)
			).toBe(true);
		}
	});
});
