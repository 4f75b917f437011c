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
	const debit = sqlite.prepare(
		'UPDATE balances SET balance = balance - ? WHERE id = ? AND balance >= ?'
	);
	const entry = sqlite.prepare(
		'INSERT INTO entries (account_id, amount, created_at) VALUES (?, ?, ?)'
	);
	const spend = sqlite.transaction((id: number, amount: number) => {
		if (debit.run(amount, id, amount).changes === 1) entry.run(id, amount, Date.now());
	});
	return (i: number) => spend.immediate((i % accounts) + 1, 1);
}

/**
 * The rows a ledger spend from its account's current lot writes (the transfer and the account), as
 * hand-written SQL on the ledger's schema with no checks: what the data model costs, apart from the
 * ledger's code.
 */
export function createSameWritesSpender(file: string) {
	const sqlite = openDatabase(file, { migrate: false }).$client;
	const statements = {
		prior: sqlite.prepare('SELECT id FROM transfers WHERE idempotency_key = ?'),
		account: sqlite.prepare('SELECT id, last_transfer_id FROM accounts WHERE user_id = ?').raw(),
		lot: sqlite
			.prepare(
				`SELECT id FROM lots WHERE account_id = ? AND remaining > held
				ORDER BY expires_at IS NULL, expires_at, category, id LIMIT 1`
			)
			.pluck(),
		transfer:
			sqlite.prepare(`INSERT INTO transfers (debit_account_id, credit_account_id, user_account_id, amount,
			code, idempotency_key, actor, balance_after, available_after, prev_id, lot_id, created_at)
			VALUES (?, 3, ?, 1, 'spend', ?, 'bench', 0, 0, ?, ?, ?)`),
		debit: sqlite.prepare(
			'UPDATE accounts SET debits_posted = debits_posted + 1, last_transfer_id = ? WHERE id = ?'
		)
	};
	const lots = new Map<number, number>();
	const spend = sqlite.transaction((userId: string, key: string) => {
		statements.prior.get(key);
		const [accountId, lastId] = statements.account.get(userId) as [number, number | null];
		if (!lots.has(accountId)) lots.set(accountId, statements.lot.get(accountId) as number);
		const transferId = statements.transfer.run(
			accountId,
			accountId,
			key,
			lastId,
			lots.get(accountId),
			Date.now()
		);
		statements.debit.run(transferId.lastInsertRowid, accountId);
	});
	return (userId: string, key: string) => spend.immediate(userId, key);
}
