import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqliteLedgerFor } from '../app-ledger';
import { openDatabase, type Db } from '../db';
import { users } from '../db/schema';
import type { Ledger } from '../ledger';
import { adjustBalance, parseAdjustment, type AdjustmentKind } from './adjust';
import { listAudit } from './audit';

const admin = { id: 'admin_ada', email: 'ada@example.com' };
const userId = 'user_bob';
const day = 24 * 60 * 60 * 1000;
let db: Db;
let ledger: Ledger;
let keys = 0;

beforeEach(() => {
	db = openDatabase(':memory:');
	db.insert(users).values({ id: userId, email: 'bob@example.com', passwordHash: 'x' }).run();
	ledger = sqliteLedgerFor(db);
});

afterEach(() => {
	expect(ledger.verify()).toEqual([]);
});

const freshKey = () => `form-key-${++keys}`;

function formOf(fields: Record<string, string>) {
	const form = new FormData();
	for (const [name, value] of Object.entries(fields)) form.set(name, value);
	return form;
}

function submit(kind: AdjustmentKind, fields: Record<string, string>) {
	const parsed = parseAdjustment(kind, formOf(fields));
	if (!parsed.ok) throw new Error(`invalid form: ${JSON.stringify(parsed.errors)}`);
	return adjustBalance(db, admin, userId, parsed.data);
}

const grantFields = (fields: Record<string, string> = {}) => ({
	amount: '100',
	reason: 'goodwill for the outage',
	category: 'free',
	idempotencyKey: freshKey(),
	...fields
});
const deductFields = (fields: Record<string, string> = {}) => ({
	amount: '30',
	reason: 'duplicate grant',
	idempotencyKey: freshKey(),
	...fields
});

const count = (table: string) =>
	db.$client.prepare(`select count(*) from ${table}`).pluck().get() as number;
const rowCounts = () => ({
	transfers: count('transfers'),
	lots: count('lots'),
	allocations: count('allocations'),
	audit: count('audit_log')
});

function seedLots() {
	ledger.grant({
		userId,
		amount: 40,
		category: 'paid',
		actor: 'test',
		idempotencyKey: 'seed-paid'
	});
	ledger.grant({
		userId,
		amount: 25,
		category: 'free',
		expiresAt: new Date(Date.now() + 10 * day),
		actor: 'test',
		idempotencyKey: 'seed-free'
	});
	return ledger.lots(userId);
}

describe('a grant', () => {
	it('previews the exact transfer and new lot, and writes nothing until confirmed', async () => {
		seedLots();
		const before = rowCounts();
		const fields = grantFields({ amount: '1200', category: 'paid', expiresAt: '2099-06-30' });
		const preview = await submit('grant', fields);
		expect(rowCounts()).toEqual(before);
		expect(ledger.balance(userId).balance).toBe(65);
		expect(preview).toMatchObject({
			status: 'preview',
			writes: {
				balanceBefore: { balance: 65, available: 65 },
				balanceAfter: { balance: 1265, available: 1265 },
				transfers: [{ code: 'grant', amount: 1200, balanceDelta: 1200, balanceAfter: 1265 }],
				lots: [
					{
						category: 'paid',
						expiresAt: new Date('2099-06-30T00:00:00Z'),
						before: null,
						after: 1200
					}
				]
			}
		});

		const applied = await submit('grant', { ...fields, confirm: 'yes' });
		expect(applied.status).toBe('applied');
		// Confirming writes what the preview showed, ids included (the rolled-back rows freed them).
		expect(applied.status === 'applied' && applied.writes).toEqual(
			preview.status === 'preview' && preview.writes
		);
		expect(ledger.balance(userId).balance).toBe(1265);
		const [entry] = (await listAudit(db)).entries;
		expect(entry).toMatchObject({
			action: 'grant',
			outcome: 'ok',
			target: `user:${userId}`,
			amount: 1200,
			reason: 'goodwill for the outage',
			idempotencyKey: `admin-grant:${fields.idempotencyKey}`,
			actorEmail: admin.email
		});
	});

	it('acts once for the same key, and shows the first result again', async () => {
		const fields = { ...grantFields(), confirm: 'yes' };
		const first = await submit('grant', fields);
		const before = rowCounts();
		const again = await submit('grant', fields);
		const preview = await submit('grant', { ...fields, confirm: '' });
		expect(rowCounts()).toEqual(before);
		expect(first.status === 'applied' && first.writes.transfers[0].id).toBeGreaterThan(0);
		const transferId = first.status === 'applied' ? first.writes.transfers[0].id : 0;
		for (const replay of [again, preview]) {
			expect(replay).toEqual({ status: 'replayed', transferId, balance: 100, available: 100 });
		}
		expect(ledger.balance(userId).balance).toBe(100);
		expect((await listAudit(db)).entries).toHaveLength(1);
	});

	it('refuses a key reused for a different grant, and audits the refusal', async () => {
		const fields = { ...grantFields(), confirm: 'yes' };
		await submit('grant', fields);
		const refused = await submit('grant', { ...fields, amount: '999' });
		expect(refused).toMatchObject({ status: 'refused', code: 'idempotency_conflict' });
		expect(ledger.balance(userId).balance).toBe(100);
		expect((await listAudit(db)).entries[0]).toMatchObject({ action: 'grant', outcome: 'refused' });
	});
});

describe('a deduction', () => {
	it('previews the draws in spend order (soonest expiry first) and writes nothing', async () => {
		const [paid, free] = seedLots();
		const before = rowCounts();
		const preview = await submit('deduct', deductFields({ amount: '30' }));
		expect(rowCounts()).toEqual(before);
		expect(preview).toMatchObject({
			status: 'preview',
			writes: {
				balanceBefore: { balance: 65 },
				balanceAfter: { balance: 35 },
				transfers: [{ code: 'adjust', amount: 30, balanceDelta: -30, balanceAfter: 35 }],
				lots: [
					{ lotId: paid.id, category: 'paid', before: 40, after: 35 },
					{ lotId: free.id, category: 'free', before: 25, after: 0 }
				]
			}
		});
	});

	it('is refused beyond the available credits without allowDebt, and allowed with it', async () => {
		seedLots();
		const before = rowCounts();
		const preview = await submit('deduct', deductFields({ amount: '100' }));
		expect(preview).toMatchObject({
			status: 'refused',
			code: 'insufficient_credits',
			field: 'amount',
			message: expect.stringContaining('Only 65 credits are available.')
		});
		expect(rowCounts()).toEqual(before);

		const confirmed = await submit('deduct', deductFields({ amount: '100', confirm: 'yes' }));
		expect(confirmed).toMatchObject({ status: 'refused', code: 'insufficient_credits' });
		expect(rowCounts()).toEqual({ ...before, audit: before.audit + 1 });
		expect((await listAudit(db)).entries[0]).toMatchObject({
			action: 'deduct',
			outcome: 'refused',
			amount: 100
		});

		const forced = await submit(
			'deduct',
			deductFields({ amount: '100', allowDebt: 'on', confirm: 'yes' })
		);
		expect(forced).toMatchObject({
			status: 'applied',
			writes: { balanceAfter: { balance: -35, debt: 35 } }
		});
		expect(ledger.balance(userId)).toMatchObject({ balance: -35, debt: 35 });
		expect((await listAudit(db)).entries[0]).toMatchObject({ action: 'deduct', outcome: 'ok' });

		const inDebt = await submit('deduct', deductFields({ amount: '1' }));
		expect(inDebt).toMatchObject({
			status: 'refused',
			code: 'account_in_debt',
			message: expect.stringContaining('owes 35 credits')
		});
	});

	it('a grant to an account in debt previews the debt repaid from the new lot', async () => {
		seedLots();
		await submit('deduct', deductFields({ amount: '100', allowDebt: 'on', confirm: 'yes' }));
		const preview = await submit('grant', grantFields({ amount: '50' }));
		expect(preview).toMatchObject({
			status: 'preview',
			writes: {
				balanceBefore: { balance: -35, debt: 35 },
				balanceAfter: { balance: 15, debt: 0 },
				lots: [{ before: null, after: 15 }]
			}
		});
	});
});

describe('the grant and deduct forms', () => {
	const badGrants: [string, Record<string, string>, string][] = [
		['zero credits', { amount: '0' }, 'amount'],
		['negative credits', { amount: '-5' }, 'amount'],
		['a fraction', { amount: '1.5' }, 'amount'],
		['words', { amount: 'lots' }, 'amount'],
		['no amount', { amount: '' }, 'amount'],
		['too many credits', { amount: '99999999999' }, 'amount'],
		['a short reason', { reason: 'no' }, 'reason'],
		['a blank reason', { reason: '    ' }, 'reason'],
		['a long reason', { reason: 'x'.repeat(501) }, 'reason'],
		['another category', { category: 'gold' }, 'category'],
		['an expiry in the past', { expiresAt: '2001-01-01' }, 'expiresAt'],
		[
			'an expiry today (00:00 UTC)',
			{ expiresAt: new Date().toISOString().slice(0, 10) },
			'expiresAt'
		],
		['a date that is not one', { expiresAt: 'next tuesday' }, 'expiresAt'],
		['a day that does not exist', { expiresAt: '2099-02-31T00:00Z' }, 'expiresAt'],
		['no idempotency key', { idempotencyKey: '' }, 'idempotencyKey'],
		['a confirm that is not yes', { confirm: 'maybe' }, 'confirm']
	];
	for (const [what, fields, field] of badGrants) {
		it(`refuses a grant with ${what}, with a message on ${field}`, () => {
			const parsed = parseAdjustment('grant', formOf(grantFields(fields)));
			expect(parsed.ok).toBe(false);
			expect(!parsed.ok && Object.keys(parsed.errors)).toEqual([field]);
		});
	}

	it('reads a missing category, reason and key as errors, not crashes', () => {
		const parsed = parseAdjustment('grant', formOf({ amount: '5' }));
		expect(!parsed.ok && Object.keys(parsed.errors).sort()).toEqual([
			'category',
			'idempotencyKey',
			'reason'
		]);
	});

	it('reads allowDebt as a checkbox', () => {
		const ticked = parseAdjustment('deduct', formOf(deductFields({ allowDebt: 'on' })));
		const unticked = parseAdjustment('deduct', formOf(deductFields()));
		const odd = parseAdjustment('deduct', formOf(deductFields({ allowDebt: 'perhaps' })));
		expect(ticked.ok && ticked.data).toMatchObject({ kind: 'deduct', allowDebt: true });
		expect(unticked.ok && unticked.data).toMatchObject({ kind: 'deduct', allowDebt: false });
		expect(!odd.ok && odd.errors).toEqual({ allowDebt: 'Tick the box or leave it empty.' });
	});
});
