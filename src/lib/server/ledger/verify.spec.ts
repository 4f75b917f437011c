import { describe, expect, it } from 'vitest';
import { createTestLedger } from './testing/ledger';

function setup() {
	const t = createTestLedger();
	t.ledger.grant({
		userId: 'ann',
		amount: 10,
		category: 'free',
		actor: 'system',
		idempotencyKey: 'g'
	});
	t.ledger.spend({ userId: 'ann', amount: 4, actor: 'user:ann', idempotencyKey: 's' });
	t.ledger.hold({
		userId: 'ann',
		amount: 2,
		expiresAt: t.at(60_000),
		actor: 'user:ann',
		idempotencyKey: 'h'
	});
	return { ...t, sqlite: t.db.$client };
}

describe('verify', () => {
	it('finds nothing wrong in a ledger used only through its API', () => {
		expect(setup().ledger.verify()).toEqual([]);
	});

	it('names a balance changed behind the ledger’s back', () => {
		const { ledger, sqlite } = setup();
		sqlite
			.prepare(`UPDATE accounts SET credits_posted = credits_posted + 5 WHERE user_id = 'ann'`)
			.run();
		const violations = ledger.verify();
		expect(violations).toContainEqual(
			expect.stringMatching(/^zero_sum: accounts do not sum to zero/)
		);
		expect(violations).toContainEqual(expect.stringMatching(/^lots_balance: user ann/));
		expect(violations).toContainEqual(expect.stringMatching(/^counters: account 7 \(ann\)/));
	});

	it('names lots that do not match their allocations', () => {
		const { ledger, sqlite } = setup();
		sqlite.prepare('UPDATE lots SET remaining = remaining + 1').run();
		expect(ledger.verify()).toEqual(
			expect.arrayContaining([
				expect.stringMatching(/^lots_balance:/),
				expect.stringMatching(/^lot_allocations: lot 1: 3 credits used but 4 allocated/)
			])
		);
	});

	it('names a hold whose reservation went missing', () => {
		const { ledger, sqlite } = setup();
		sqlite.prepare(`UPDATE holds SET status = 'released'`).run();
		expect(ledger.verify()).toEqual(
			expect.arrayContaining([
				expect.stringMatching(/^hold_transfers: hold 1/),
				expect.stringMatching(/^lot_held: lot 1/)
			])
		);
	});

	it('names missing immutability triggers', () => {
		const { ledger, sqlite } = setup();
		sqlite.exec('DROP TRIGGER transfers_no_update');
		expect(ledger.verify()).toEqual(['immutability: trigger transfers_no_update is missing']);
	});

	it('names a rewritten history', () => {
		const { ledger, sqlite } = setup();
		sqlite.exec('DROP TRIGGER transfers_no_update');
		sqlite.prepare(`UPDATE transfers SET balance_after = 9 WHERE code = 'spend'`).run();
		expect(ledger.verify()).toContainEqual(
			expect.stringMatching(/^balance_after: transfer 2 records balance 9/)
		);
	});
});
