/**
 * A separate OS process that spends 1 credit `attempts` times from one account, as fast as it can, once
 * its parent writes a line to stdin. Prints its tally as JSON. Args: database (a SQLite file or a
 * postgres:// URL), user id, attempts, key prefix.
 */
import { openDatabase } from '../../db/index';
import { openPostgres } from '../../db/pg/index';
import { isPostgresUrl } from '../../db/url';
import { awaitable, type AsyncLedger } from '../async';
import { createLedger } from '../index';
import { createPgLedger } from '../pg/index';

const [target, userId, attempts, prefix] = process.argv.slice(2);

async function open(): Promise<{ ledger: AsyncLedger; close: () => Promise<void> }> {
	if (isPostgresUrl(target)) {
		// One connection, as one app instance serving one request at a time would use, opened before `ready`.
		const db = openPostgres(target, { max: 1 });
		await db.$client.query('SELECT 1');
		return { ledger: createPgLedger(db), close: () => db.$client.end() };
	}
	const db = openDatabase(target, { migrate: false });
	return { ledger: awaitable(createLedger(db)), close: async () => void db.$client.close() };
}

const { ledger, close } = await open();

process.stdin.once('data', async () => {
	const tally = { spent: 0, replayed: 0, insufficient: 0, other: [] as string[] };
	for (let i = 0; i < Number(attempts); i++) {
		const result = await ledger.spend({
			userId,
			amount: 1,
			actor: 'worker',
			idempotencyKey: `${prefix}-${i}`
		});
		if (result.ok) tally[result.replayed ? 'replayed' : 'spent']++;
		else if (result.error.code === 'insufficient_credits') tally.insufficient++;
		else tally.other.push(result.error.code);
	}
	await close();
	process.stdout.write(`${JSON.stringify(tally)}\n`);
	process.stdin.destroy();
});
process.stdout.write('ready\n');
