import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { databaseUrl, dropDatabase } from '../../../../tests/postgres/cluster';
import { migratePostgres, openPostgres, type PgDb } from '../db/pg/index';
import { commandsOf, type Command } from './testing/commands';
import { drive, normalisedState } from './testing/differential';
import { pgBackendOn, sqliteBackend, type TestBackend } from './testing/ledger';
import { dayMs } from './time';

// Names whose order differs between byte order (SQLite, C) and German dictionary order: case,
// accents, punctuation. Nothing the ledger orders may depend on which one the database uses.
const users = ['Zoë', 'anna', 'Anna', 'émile', 'bob-2', 'bob_1', 'bob1'];
const template = `collation_de_${randomBytes(4).toString('hex')}`;

async function admin<T>(run: (client: pg.Client) => Promise<T>) {
	const client = new pg.Client({ connectionString: inject('postgresUrl') });
	await client.connect();
	try {
		return await run(client);
	} finally {
		await client.end();
	}
}

describe('a PostgreSQL database with an ICU de-DE collation', () => {
	let collatedTemplate: PgDb;
	beforeAll(async () => {
		await admin(async (client) => {
			await client.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
			await client.query(
				`CREATE DATABASE ${template} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'de-DE' LOCALE 'C.UTF-8'`
			);
		});
		collatedTemplate = openPostgres(databaseUrl(inject('postgresUrl'), template), { max: 1 });
		await migratePostgres(collatedTemplate);
		await collatedTemplate.$client.end();
	});
	afterAll(() => admin((client) => dropDatabase(client, template)));

	/** The ledger on a fresh copy of the collated, migrated template. */
	async function collated(): Promise<TestBackend> {
		const name = `${template}_${randomBytes(4).toString('hex')}`;
		await admin((client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
		const db = openPostgres(databaseUrl(inject('postgresUrl'), name), { max: 2 });
		return pgBackendOn(db, async () => {
			await db.$client.end();
			await admin((client) => dropDatabase(client, name));
		});
	}

	async function both(commands: Command[]) {
		const states = [];
		for (const t of [await sqliteBackend.open(), await collated()]) {
			try {
				states.push(await normalisedState(t, users, await drive(t, commands, users)));
			} finally {
				await t.close();
			}
		}
		return states;
	}

	it('sorts the user names differently from SQLite', async () => {
		const t = await collated();
		const rows = await t.query(
			'SELECT array_agg(u ORDER BY u) AS sorted FROM unnest(?::text[]) u',
			[users]
		);
		await t.close();
		expect(rows[0].sorted).not.toEqual([...users].sort());
		expect((rows[0].sorted as string[]).slice(0, 2)).toEqual(['anna', 'Anna']);
	});

	it('spends, holds, expires and sweeps exactly as SQLite does', async () => {
		// Every user has free and paid lots at one expiry and without, and all expire in one sweep.
		const grants: Command[] = users.flatMap((user) =>
			(['paid', 'free'] as const).flatMap((category) =>
				[dayMs, null].map((expiresIn) => ({
					kind: 'grant' as const,
					user,
					amount: 5,
					category,
					code: 'grant' as const,
					expiresIn
				}))
			)
		);
		const commands: Command[] = [
			...grants,
			...users.map((user) => ({ kind: 'spend' as const, user, amount: 7 })),
			...users.map((user) => ({ kind: 'hold' as const, user, amount: 4, expiresIn: dayMs / 2 })),
			{ kind: 'capture', hold: 0, amount: 2 },
			{ kind: 'tick', ms: dayMs },
			{ kind: 'expire' },
			{ kind: 'check' }
		];
		const [sqlite, postgres] = await both(commands);
		expect(sqlite.verify).toEqual([]);
		expect(postgres).toEqual(sqlite);
	});

	it('gives SQLite’s results for random operation sequences', async () => {
		await fc.assert(
			fc.asyncProperty(commandsOf(users, 60), async (commands) => {
				const [sqlite, postgres] = await both(commands);
				expect(postgres).toEqual(sqlite);
			}),
			{ numRuns: 10 }
		);
	}, 60_000);
});
