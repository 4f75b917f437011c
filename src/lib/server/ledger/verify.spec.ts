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
	t.ledger.grant({
		userId: 'bob',
		amount: 5,
		category: 'paid',
		actor: 'system',
		idempotencyKey: 'g-bob'
	});
	const sqlite = t.db.$client;
	const id = (query: string, ...params: unknown[]) =>
		sqlite
			.prepare(query)
			.pluck()
			.get(...params) as number;
	return {
		...t,
		sqlite,
		accountOf: (userId: string) => id('SELECT id FROM accounts WHERE user_id = ?', userId),
		systemAccount: (kind: string) =>
			id('SELECT id FROM accounts WHERE kind = ? AND user_id IS NULL', kind),
		transferOf: (key: string) => id('SELECT id FROM transfers WHERE idempotency_key = ?', key),
		lotOf: (userId: string) =>
			id(
				'SELECT lots.id FROM lots JOIN accounts ON accounts.id = lots.account_id WHERE user_id = ?',
				userId
			),
		/** Runs an UPDATE on the immutable transfers, the trigger dropped and put back. */
		rewriteTransfers: (statement: string, ...params: unknown[]) => {
			const trigger = id(
				`SELECT sql FROM sqlite_master WHERE name = 'transfers_no_update'`
			) as unknown as string;
			sqlite.exec('DROP TRIGGER transfers_no_update');
			sqlite.prepare(statement).run(...params);
			sqlite.exec(trigger);
		}
	};
}

describe('verify', () => {
	it('finds nothing wrong in a ledger used only through its API', () => {
		expect(setup().ledger.verify()).toEqual([]);
	});

	it('names a balance changed behind the ledger’s back', () => {
		const { ledger, sqlite, accountOf } = setup();
		sqlite
			.prepare(`UPDATE accounts SET credits_posted = credits_posted + 5 WHERE user_id = 'ann'`)
			.run();
		const violations = ledger.verify();
		expect(violations).toContainEqual(
			expect.stringMatching(/^zero_sum: accounts do not sum to zero/)
		);
		expect(violations).toContainEqual(expect.stringMatching(/^lots_balance: user ann/));
		expect(violations).toContainEqual(
			expect.stringMatching(new RegExp(`^counters: account ${accountOf('ann')} \\(ann\\)`))
		);
	});

	it('names lots that do not match their allocations', () => {
		const { ledger, sqlite } = setup();
		sqlite.prepare(`UPDATE lots SET remaining = remaining + 1 WHERE category = 'free'`).run();
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

	it('names a spend that overdrew its account', () => {
		const { ledger, rewriteTransfers, transferOf } = setup();
		rewriteTransfers('UPDATE transfers SET amount = 20 WHERE id = ?', transferOf('s'));
		expect(ledger.verify()).toContainEqual(
			`overspend: transfer ${transferOf('s')} (spend) left user ann with -10 available`
		);
	});

	it('names a debt no clawback or adjustment explains', () => {
		const { ledger, sqlite } = setup();
		sqlite
			.prepare(`UPDATE accounts SET debits_posted = debits_posted + 100 WHERE user_id = 'ann'`)
			.run();
		expect(ledger.verify()).toContainEqual(
			expect.stringMatching(/^debt_origin: user ann owes 96 credits/)
		);
	});

	it('names a lot that no credit to its account opened', () => {
		const { ledger, sqlite, lotOf, transferOf } = setup();
		sqlite
			.prepare('UPDATE lots SET transfer_id = ? WHERE id = ?')
			.run(transferOf('s'), lotOf('ann'));
		expect(ledger.verify()).toContainEqual(
			`lot_owner: lot ${lotOf('ann')} was not opened by a credit of 10 to its account`
		);
	});

	it('names a grant that draws on lots', () => {
		const { ledger, sqlite, lotOf, transferOf } = setup();
		sqlite
			.prepare('INSERT INTO allocations (transfer_id, lot_id, amount) VALUES (?, ?, 1)')
			.run(transferOf('g'), lotOf('ann'));
		expect(ledger.verify()).toContainEqual(
			`transfer_allocations: transfer ${transferOf('g')} (grant) of 10 has 1 allocated`
		);
	});

	it('names a spend that drew another account’s lot', () => {
		const { ledger, rewriteTransfers, lotOf, transferOf } = setup();
		rewriteTransfers('UPDATE transfers SET lot_id = ? WHERE id = ?', lotOf('bob'), transferOf('s'));
		expect(ledger.verify()).toContainEqual(
			`lot_draws: transfer ${transferOf('s')} (spend) draws lot ${lotOf('bob')}, which is not a lot of its account`
		);
	});

	it('names a current lot that is not the account’s', () => {
		const { ledger, sqlite, accountOf, lotOf } = setup();
		sqlite
			.prepare('UPDATE accounts SET current_lot_id = ? WHERE id = ?')
			.run(lotOf('bob'), accountOf('ann'));
		expect(ledger.verify()).toContainEqual(
			`current_lot: account ${accountOf('ann')}: current lot ${lotOf('bob')} is not an open lot of it`
		);
	});

	it('names an expiry hint later than a due hold', () => {
		const { ledger, sqlite, accountOf } = setup();
		sqlite.prepare('UPDATE accounts SET next_expiry_at = NULL WHERE id = ?').run(accountOf('ann'));
		expect(ledger.verify()).toContainEqual(
			expect.stringMatching(
				new RegExp(
					`^expiry_hint: account ${accountOf('ann')}: next expiry hint none is after a due date`
				)
			)
		);
	});

	it('names a missing system account', () => {
		const { ledger, sqlite } = setup();
		sqlite.prepare(`DELETE FROM accounts WHERE kind = 'adjusted'`).run();
		expect(ledger.verify()).toEqual(['system_accounts: account adjusted is missing']);
	});

	it('names a system account rolled up beyond the newest transfer', () => {
		const { ledger, sqlite } = setup();
		const newest = sqlite.prepare('SELECT max(id) FROM transfers').pluck().get() as number;
		sqlite
			.prepare(`UPDATE accounts SET rolled_up_through = ? WHERE kind = 'spent'`)
			.run(newest + 1);
		expect(ledger.verify()).toContainEqual(
			`system_accounts: account spent is rolled up through ${newest + 1}, newest transfer is ${newest}`
		);
	});

	it('names a transfer against the wrong system account', () => {
		const { ledger, rewriteTransfers, systemAccount, transferOf } = setup();
		rewriteTransfers(
			'UPDATE transfers SET credit_account_id = ? WHERE id = ?',
			systemAccount('expired'),
			transferOf('s')
		);
		expect(ledger.verify()).toContainEqual(
			`transfer_accounts: transfer ${transferOf('s')} (spend) does not move credits between a user and spent`
		);
	});

	it('names a broken history chain', () => {
		const { ledger, rewriteTransfers, transferOf } = setup();
		rewriteTransfers('UPDATE transfers SET prev_id = NULL WHERE id = ?', transferOf('h'));
		expect(ledger.verify()).toContainEqual(
			`history_chain: transfer ${transferOf('h')} links to nothing, but the account's previous transfer is ${transferOf('s')}`
		);
	});
});
