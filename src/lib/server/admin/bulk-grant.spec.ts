import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqliteLedgerFor } from '../app-ledger';
import { openDatabase, type Db } from '../db';
import { users } from '../db/schema';
import { listAudit } from './audit';
import { applyBulkGrant, previewBulkGrant } from './bulk-grant';
import { parseBulkUpload } from './bulk-rows';

const admin = { id: 'admin_ada', email: 'ada@example.com' };
const otherAdmin = { id: 'admin_cy', email: 'cy@example.com' };
let db: Db;

beforeEach(() => {
	db = openDatabase(':memory:');
	db.insert(users)
		.values([
			{ id: 'user_bob', email: 'bob@example.com', passwordHash: 'x' },
			{ id: 'user_eve', email: 'eve@example.com', passwordHash: 'x' }
		])
		.run();
});

afterEach(() => {
	expect(sqliteLedgerFor(db).verify()).toEqual([]);
});

const text = [
	'email,credits,reason',
	'bob@example.com,100,spring promo',
	'nobody@example.com,50,spring promo',
	'eve@example.com,lots,spring promo',
	'eve@example.com,20,"promo, with a comma"',
	'bob@example.com,5,second line for bob'
].join('\n');

function upload(source = text) {
	const parsed = parseBulkUpload(source);
	if (!parsed.ok) throw new Error(parsed.message);
	return parsed.upload;
}

const balanceOf = (userId: string) => sqliteLedgerFor(db).balance(userId).balance;
const transferCount = () =>
	db.$client.prepare('select count(*) from transfers').pluck().get() as number;

describe('a bulk grant', () => {
	it('previews unknown emails, malformed lines and totals, and writes nothing', async () => {
		const report = await previewBulkGrant(db, admin, upload());
		expect(report).toEqual({
			rows: 3,
			credits: 125,
			users: 2,
			granted: 3,
			grantedCredits: 125,
			alreadyGranted: 0,
			unknownEmails: [{ line: 3, email: 'nobody@example.com' }],
			malformed: [{ line: 4, message: 'credits: Enter a whole number of credits, like 100.' }],
			refused: []
		});
		expect(transferCount()).toBe(0);
		expect((await listAudit(db)).entries).toHaveLength(0);
	});

	it('grants each good row once; applying the same upload again grants nothing more', async () => {
		const first = await applyBulkGrant(db, admin, upload());
		expect(first).toMatchObject({ granted: 3, grantedCredits: 125, alreadyGranted: 0 });
		expect(balanceOf('user_bob')).toBe(105);
		expect(balanceOf('user_eve')).toBe(20);
		const transfers = transferCount();

		// Sent again as a textarea would send it: CRLF line breaks.
		const again = await applyBulkGrant(db, admin, upload(text.replaceAll('\n', '\r\n')));
		const byAnother = await applyBulkGrant(db, otherAdmin, upload());
		const preview = await previewBulkGrant(db, admin, upload());
		for (const report of [again, byAnother, preview]) {
			expect(report).toMatchObject({ granted: 0, grantedCredits: 0, alreadyGranted: 3 });
		}
		expect(transferCount()).toBe(transfers);
		expect(balanceOf('user_bob')).toBe(105);

		const entries = (await listAudit(db)).entries;
		expect(entries).toHaveLength(3);
		expect(entries.at(-1)).toMatchObject({
			action: 'bulk_grant',
			outcome: 'ok',
			amount: 125,
			actorEmail: admin.email,
			detail: expect.stringContaining('granted 3 rows (125 credits)')
		});
		expect(entries[0]).toMatchObject({ amount: 0, actorEmail: otherAdmin.email });
	});

	it('records an upload with nothing to grant as refused', async () => {
		const report = await applyBulkGrant(db, admin, upload('nobody@example.com,5,promo'));
		expect(report).toMatchObject({ granted: 0, unknownEmails: [{ line: 1 }] });
		expect((await listAudit(db)).entries[0]).toMatchObject({
			action: 'bulk_grant',
			outcome: 'refused'
		});
	});
});
