import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase } from './index';
import { copyMigrations } from './testing/migrations';

describe('migrateDatabase', () => {
	const dir = mkdtempSync(join(tmpdir(), 'migrate-'));
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it('stops on a migration that leaves a dangling reference, and turns foreign keys back on', () => {
		const tag = '9999_dangling_lot';
		const folder = copyMigrations(dir, (entries) => {
			const last = entries.at(-1)!;
			return [...entries, { ...last, idx: last.idx + 1, when: last.when + 1, tag }];
		});
		writeFileSync(
			join(folder, `${tag}.sql`),
			`INSERT INTO lots (account_id, transfer_id, category, amount, remaining, created_at) VALUES (1, 404, 'free', 1, 1, 0);`
		);
		const db = openDatabase(join(dir, 'app.db'), { migrate: false });

		expect(() => migrateDatabase(db, folder)).toThrow(
			'migration broke 1 references, e.g. lots row 1 to transfers'
		);
		expect(db.$client.pragma('foreign_keys', { simple: true })).toBe(1);
		db.$client.close();
	});
});
