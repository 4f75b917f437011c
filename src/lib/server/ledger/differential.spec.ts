import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commandsOf, type Command } from './testing/commands';
import { drive, normalisedState } from './testing/differential';
import { pgBackend, sqliteBackend, type BackendFactory } from './testing/ledger';

const users = ['ann', 'bob', 'cy'];

async function endState(backend: BackendFactory, commands: Command[]) {
	const t = await backend.open();
	try {
		return await normalisedState(t, users, await drive(t, commands, users));
	} finally {
		await t.close();
	}
}

describe('SQLite and PostgreSQL ledgers', () => {
	it('give the same results and end state for one random operation sequence', async () => {
		// fast-check prints the seed and the shrunk sequence of a failure; FC_SEED replays one.
		const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
		await fc.assert(
			fc.asyncProperty(commandsOf(users, 80), async (commands) => {
				const [sqlite, postgres] = [
					await endState(sqliteBackend, commands),
					await endState(pgBackend, commands)
				];
				expect(sqlite.verify).toEqual([]);
				expect(postgres).toEqual(sqlite);
			}),
			{ numRuns: 30, seed }
		);
		// About 15 s alone; each sequence opens and drops a PostgreSQL database, which a loaded CI
		// machine has been seen to make four times slower.
	}, 180_000);
});
