import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const inputs = [
	'src',
	'static',
	'svelte.config.js',
	'vite.config.ts',
	'package.json',
	'package-lock.json'
];
const output = 'build/handler.js';

function newestMtime(path: string): number {
	if (!existsSync(path)) return 0;
	const stat = statSync(path);
	if (!stat.isDirectory()) return stat.mtimeMs;
	return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** Runs `vite build` when the build is missing or older than any of its sources. */
export function buildIfStale() {
	const built = existsSync(output) ? statSync(output).mtimeMs : 0;
	if (built > Math.max(...inputs.map(newestMtime))) return;
	console.log(built ? 'Sources changed since the last build: rebuilding…' : 'Building the app…');
	execFileSync('npx', ['vite', 'build', '--logLevel', 'error'], { stdio: 'inherit' });
}
