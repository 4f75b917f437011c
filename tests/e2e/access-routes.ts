import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/**
 * Every operation the app answers, read from `src/routes` the way SvelteKit reads it, so a new route or
 * action is found the day it is added: `GET /route` for a page, `POST /route?/name` for a named action
 * (`POST /route` for the default one), `METHOD /route` for each handler of a `+server.ts`, `* /route`
 * for its `fallback`. Each route also gets one method it refuses (the first of `refusable` it lacks),
 * so the 405s are checked too.
 */

const handlerNames = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'fallback'];
const refusable = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];

export type DiscoveredOperation = { operation: string; refused: boolean };

export function discoverOperations(root = 'src/routes'): DiscoveredOperation[] {
	return routeFolders(root).flatMap((folder) => operationsOf(root, folder));
}

function routeFolders(folder: string): string[] {
	const entries = readdirSync(folder, { withFileTypes: true });
	const own = entries.some((entry) =>
		/^\+(page\.svelte|page\.server\.ts|server\.ts)$/.test(entry.name)
	)
		? [folder]
		: [];
	return [
		...own,
		...entries
			.filter((entry) => entry.isDirectory())
			.flatMap((entry) => routeFolders(join(folder, entry.name)))
	];
}

/** The route id as the table writes it: SvelteKit's, with `(group)` folders left out of the path. */
function routeIdOf(root: string, folder: string): string {
	const segments = relative(root, folder)
		.split(/[\\/]/)
		.filter((segment) => segment && !/^\(.+\)$/.test(segment));
	return `/${segments.join('/')}`;
}

function operationsOf(root: string, folder: string): DiscoveredOperation[] {
	const route = routeIdOf(root, folder);
	const handled = new Set<string>();
	const operations: string[] = [];
	const isPage = ['+page.svelte', '+page.server.ts'].some((file) => existsSync(join(folder, file)));
	if (isPage) {
		handled.add('GET');
		operations.push(`GET ${route}`);
		const pageServer = join(folder, '+page.server.ts');
		const actions = existsSync(pageServer) ? actionNamesOf(pageServer) : [];
		if (actions.length > 0) handled.add('POST');
		for (const action of actions)
			operations.push(action === 'default' ? `POST ${route}` : `POST ${route}?/${action}`);
	}
	const server = join(folder, '+server.ts');
	if (existsSync(server)) {
		for (const name of exportedNamesOf(server).filter((name) => handlerNames.includes(name))) {
			handled.add(name);
			operations.push(`${name === 'fallback' ? '*' : name} ${route}`);
		}
	}
	const found = operations.map((operation) => ({ operation, refused: false }));
	if (handled.has('fallback')) return found;
	const refusedMethod = refusable.find((method) => !handled.has(method));
	return refusedMethod
		? [...found, { operation: `${refusedMethod} ${route}`, refused: true }]
		: found;
}

function sourceOf(file: string) {
	return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
}

function isExported(node: ts.Node) {
	return (
		ts.canHaveModifiers(node) &&
		(ts.getModifiers(node) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)
	);
}

function exportedNamesOf(file: string): string[] {
	const names: string[] = [];
	for (const statement of sourceOf(file).statements) {
		if (ts.isVariableStatement(statement) && isExported(statement)) {
			for (const declaration of statement.declarationList.declarations)
				if (ts.isIdentifier(declaration.name)) names.push(declaration.name.text);
		} else if (ts.isFunctionDeclaration(statement) && isExported(statement) && statement.name) {
			names.push(statement.name.text);
		} else if (ts.isExportDeclaration(statement) && statement.exportClause) {
			if (ts.isNamedExports(statement.exportClause))
				names.push(...statement.exportClause.elements.map((element) => element.name.text));
		}
	}
	return names;
}

/** The keys of `export const actions = { … }`; any other shape is refused rather than guessed at. */
function actionNamesOf(file: string): string[] {
	for (const statement of sourceOf(file).statements) {
		if (!ts.isVariableStatement(statement) || !isExported(statement)) continue;
		for (const declaration of statement.declarationList.declarations) {
			if (!ts.isIdentifier(declaration.name) || declaration.name.text !== 'actions') continue;
			const value = declaration.initializer;
			if (!value || !ts.isObjectLiteralExpression(value))
				throw new Error(`${file}: write \`actions\` as an object literal so its names can be read`);
			return value.properties.map((property) => {
				if (
					!property.name ||
					!(ts.isIdentifier(property.name) || ts.isStringLiteral(property.name))
				)
					throw new Error(`${file}: an action's name must be written out`);
				return property.name.text;
			});
		}
	}
	return [];
}
