import { openDatabase } from '../src/lib/server/db/index';

/** The ceiling: one conditional balance UPDATE and one entry INSERT per transaction. */
export function createRawSpender(file: string, accounts: number, credits: number) {
	const sqlite = openDatabase(file, { migrate: false }).$client;
	sqlite.exec(`CREATE TABLE balances (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL);
		CREATE TABLE entries (id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, amount INTEGER NOT NULL,
			created_at INTEGER NOT NULL)`);
	const insert = sqlite.prepare('INSERT INTO balances (id, balance) VALUES (?, ?)');
	sqlite.transaction(() => {
		for (let id = 1; id <= accounts; id++) insert.run(id, credits);
	})();
	const debit = sqlite.prepare('UPDATE balances SET balance = balance - ? WHERE id = ? AND balance >= ?');
	const entry = sqlite.prepare('INSERT INTO entries (account_id, amount, created_at) VALUES (?, ?, ?)');
	const spend = sqlite.transaction((id: number, amount: number) => {
		if (debit.run(amount, id, amount).changes === 1) entry.run(id, amount, Date.now());
	});
	return (i: number) => spend.immediate((i % accounts) + 1, 1);
}

/**
 * The rows a ledger spend writes (transfer, allocation, lot, both accounts), as hand-written SQL on the
 * ledger's schema with no checks: what the data model costs, apart from the ledger's code.
 */
export function createSameWritesSpender(file: string) {
	const sqlite = openDatabase(file, { migrate: false }).$client;
	const statements = {
		prior: sqlite.prepare('SELECT id FROM transfers WHERE idempotency_key = ?'),
		account: sqlite.prepare('SELECT id FROM accounts WHERE user_id = ?').pluck(),
		lot: sqlite
			.prepare(`SELECT id FROM lots WHERE account_id = ? AND remaining > held
				ORDER BY expires_at IS NULL, expires_at, category, id LIMIT 1`)
			.pluck(),
		transfer: sqlite.prepare(`INSERT INTO transfers (debit_account_id, credit_account_id, user_account_id, amount,
			code, idempotency_key, actor, balance_after, available_after, created_at) VALUES (?, 3, ?, 1, 'spend', ?, 'bench', 0, 0, ?)`),
		consume: sqlite.prepare('UPDATE lots SET remaining = remaining - 1 WHERE id = ?'),
		allocation: sqlite.prepare('INSERT INTO allocations (transfer_id, lot_id, amount) VALUES (?, ?, 1)'),
		debit: sqlite.prepare('UPDATE accounts SET debits_posted = debits_posted + 1 WHERE id = ?'),
		credit: sqlite.prepare('UPDATE accounts SET credits_posted = credits_posted + 1 WHERE id = 3')
	};
	const spend = sqlite.transaction((userId: string, key: string) => {
		statements.prior.get(key);
		const accountId = statements.account.get(userId) as number;
		const lotId = statements.lot.get(accountId) as number;
		const transferId = statements.transfer.run(accountId, accountId, key, Date.now()).lastInsertRowid;
		statements.consume.run(lotId);
		statements.allocation.run(transferId, lotId);
		statements.debit.run(accountId);
		statements.credit.run();
	});
	return (userId: string, key: string) => spend.immediate(userId, key);
}
