/**
 * A separate OS process that spends 1 credit `attempts` times from one account, as fast as it can, once
 * its parent writes a line to stdin. Prints its tally as JSON. Args: database file, user id, attempts, key prefix.
 */
import { openDatabase } from '../../db/index';
import { createLedger } from '../index';

const [file, userId, attempts, prefix] = process.argv.slice(2);
const db = openDatabase(file, { migrate: false });
const ledger = createLedger(db);

process.stdin.once('data', () => {
	const tally = { spent: 0, replayed: 0, insufficient: 0, other: [] as string[] };
	for (let i = 0; i < Number(attempts); i++) {
		const result = ledger.spend({
			userId,
			amount: 1,
			actor: 'worker',
			idempotencyKey: `${prefix}-${i}`
		});
		if (result.ok) tally[result.replayed ? 'replayed' : 'spent']++;
		else if (result.error.code === 'insufficient_credits') tally.insufficient++;
		else tally.other.push(result.error.code);
	}
	db.$client.close();
	process.stdout.write(`${JSON.stringify(tally)}\n`);
	process.stdin.destroy();
});
process.stdout.write('ready\n');
