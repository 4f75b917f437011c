import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase } from '../../src/lib/server/db';
import { copyMigrations } from '../../src/lib/server/db/testing/migrations';
import { perform } from '../../src/lib/server/db/unit';
import { findPurchase } from '../../src/lib/server/purchases';

const renameTag = /_purchase_money_minor$/;

describe('migrating purchases to money columns named in minor units', () => {
	const dir = mkdtempSync(join(tmpdir(), 'migrate-purchases-'));
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it('keeps the amounts of purchases made before the rename', async () => {
		const before = copyMigrations(join(dir, 'before'), (entries) => {
			const rename = entries.findIndex((entry) => renameTag.test(entry.tag));
			expect(rename).toBeGreaterThan(0);
			return entries.slice(0, rename);
		});
		const db = openDatabase(join(dir, 'app.db'), { migrate: false });
		migrateDatabase(db, before);
		db.$client.exec(`
			INSERT INTO users (id, email, password_hash) VALUES ('u1', 'old@example.com', 'x');
			INSERT INTO purchases (id, user_id, package_id, credits, amount, currency, status, amount_paid, currency_paid, amount_refunded)
			VALUES ('pur_old', 'u1', 'standard', 500, 3999, 'usd', 'partially_refunded', 3999, 'usd', 1000),
				('pur_review', 'u1', 'basic', 100, 999, 'usd', 'mismatch', 1, 'usd', 0);
		`);

		migrateDatabase(db);

		expect(await perform(db, findPurchase(db, 'pur_old'))).toMatchObject({
			amountMinor: 3999,
			amountPaidMinor: 3999,
			amountRefundedMinor: 1000,
			currency: 'usd',
			status: 'partially_refunded'
		});
		expect(await perform(db, findPurchase(db, 'pur_review'))).toMatchObject({
			amountMinor: 999,
			amountPaidMinor: 1,
			amountRefundedMinor: 0
		});
		db.$client.close();
	});
});
