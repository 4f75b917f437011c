import Database from 'better-sqlite3';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

export type BackupResult =
	| { ok: true; path: string; bytes: number; pages: number }
	| { ok: false; code: 'backup_exists' | 'backup_corrupt'; message: string };

/**
 * Copies the database, while others read and write it, into `out`: a consistent snapshot, checked
 * before it replaces anything (written beside `out` first, then renamed over it).
 */
export async function backupDatabase(
	source: Database.Database,
	out: string,
	{ force = false }: { force?: boolean } = {}
): Promise<BackupResult> {
	const path = resolve(out);
	if (existsSync(path) && !force) {
		return {
			ok: false,
			code: 'backup_exists',
			message: `${path} exists; pass --force to overwrite it`
		};
	}
	const partial = `${path}.partial-${process.pid}`;
	try {
		// One step is one read transaction: under WAL it holds back no writer, whereas a write by another
		// connection between steps would restart the copy (and a busy server could restart it forever).
		const { totalPages } = await source.backup(partial, { progress: () => 0x7fffffff });
		const problem = checkIntegrity(partial);
		if (problem) {
			return {
				ok: false,
				code: 'backup_corrupt',
				message: `the copy failed its check: ${problem}`
			};
		}
		renameSync(partial, path);
		return { ok: true, path, bytes: statSync(path).size, pages: totalPages };
	} finally {
		rmSync(partial, { force: true });
	}
}

function checkIntegrity(file: string): string | undefined {
	const copy = new Database(file);
	try {
		// The copy keeps the source's WAL mode; one self-contained file is what a restore wants.
		copy.pragma('journal_mode = DELETE');
		const result = copy.pragma('quick_check', { simple: true });
		return result === 'ok' ? undefined : String(result);
	} finally {
		copy.close();
	}
}
