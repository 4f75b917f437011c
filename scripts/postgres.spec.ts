import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/lib/server/db';
import { createPgTestDatabase } from '../src/lib/server/db/pg/testing';
import { users } from '../src/lib/server/db/schema';
import { createLedger } from '../src/lib/server/ledger';

function run(script: string, args: string[], env: Record<string, string> = {}) {
	const result = spawnSync(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], {
		env: { ...process.env, ...env },
		encoding: 'utf8'
	});
	return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

const dropped: (() => Promise<void>)[] = [];
afterEach(async () => {
	for (const drop of dropped.splice(0)) await drop();
});

async function postgres(options: { migrated?: boolean } = {}) {
	const database = await createPgTestDatabase({ max: 1, ...options });
	dropped.push(database.drop);
	return database;
}

/** A SQLite file with a user, credits granted and spent, and a hold. */
function sqliteFile() {
	const file = join(mkdtempSync(join(tmpdir(), 'db-copy-')), 'credits.db');
	const db = openDatabase(file);
	db.insert(users).values({ id: 'u1', email: 'ann@example.com', passwordHash: 'h' }).run();
	const ledger = createLedger(db);
	ledger.grant({
		userId: 'u1',
		amount: 100,
		category: 'paid',
		actor: 'system',
		idempotencyKey: 'g'
	});
	ledger.spend({ userId: 'u1', amount: 7, actor: 'app', idempotencyKey: 's' });
	ledger.hold({
		userId: 'u1',
		amount: 5,
		expiresAt: new Date(Date.now() + 3_600_000),
		actor: 'app',
		idempotencyKey: 'h'
	});
	db.$client.close();
	return file;
}

describe('npm run db:migrate on a postgres:// DATABASE_URL', () => {
	it('migrates an empty database (and again, changing nothing), naming it without its password', async () => {
		const database = await postgres({ migrated: false });
		const url = new URL(database.url);
		url.password = 'secret-pw';
		const first = run('migrate', [], { DATABASE_URL: url.toString() });
		expect(first).toMatchObject({ status: 0 });
		expect(first.stdout).toMatch(/^Migrated postgres:\/\/postgres@127\.0\.0\.1:\d+\/test_/);
		expect(first.stdout).not.toContain('secret-pw');
		expect(run('migrate', [], { DATABASE_URL: database.url }).status).toBe(0);
		const { rows } = await database.db.$client.query(
			`SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public'
			AND table_name IN ('users', 'purchases', 'transfers', 'lots', 'rollup_queue')`
		);
		expect(rows[0].n).toBe(5);
	});
});

describe('npm run db:copy', () => {
	it('copies a SQLite file into an empty database, migrating it first, and verifies the copy', async () => {
		const database = await postgres({ migrated: false });
		const result = run('db-copy', ['--from', sqliteFile(), '--to', database.url]);
		expect(result.stderr).toBe('');
		expect(result.status).toBe(0);
		expect(result.stdout).toContain('users: 1 rows');
		expect(result.stdout).toContain('transfers: 3 rows');
		expect(result.stdout.split('\n').at(-1)).toMatch(/; ledger:verify on the copy: ok$/);
		const { rows } = await database.db.$client.query(
			`SELECT credits_posted - debits_posted AS balance, debits_pending AS held FROM accounts
			WHERE user_id = 'u1'`
		);
		expect(rows).toEqual([{ balance: 93, held: 5 }]);
	});

	it('refuses a database that already has rows, and says why', async () => {
		const database = await postgres();
		expect(run('db-copy', ['--from', sqliteFile(), '--to', database.url]).status).toBe(0);
		const again = run('db-copy', ['--from', sqliteFile(), '--to', database.url]);
		expect(again).toMatchObject({
			status: 1,
			stderr: 'the PostgreSQL database is not empty: users has rows'
		});
	});

	it('names what is missing or wrong in its arguments', () => {
		expect(run('db-copy', ['--from', sqliteFile()])).toMatchObject({ status: 1 });
		expect(run('db-copy', ['--from', sqliteFile()]).stderr).toMatch(
			/^--to: name the PostgreSQL database to copy into\nUsage: npm run db:copy/
		);
		expect(
			run('db-copy', ['--from', 'no/such.db', '--to', 'postgres://x@127.0.0.1/x']).stderr
		).toMatch(/^--from: no\/such\.db does not exist/);
	});
});

describe('a postgres:// DATABASE_URL elsewhere', () => {
	it('is refused by db:backup, which points to pg_dump', () => {
		const result = run('db-backup', ['--out', 'x.db'], {
			DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none'
		});
		expect(result).toMatchObject({ status: 1 });
		expect(result.stderr).toMatch(
			/^db:backup copies a SQLite file; back PostgreSQL up with pg_dump/
		);
	});

	it('runs admin:create, api-key:create and credits:expire', async () => {
		const database = await postgres();
		const env = { DATABASE_URL: database.url, DATA_DIR: mkdtempSync(join(tmpdir(), 'pg-data-')) };
		const created = run(
			'admin-create',
			['--email', 'root@example.com', '--password', 'a long password'],
			env
		);
		expect(created).toMatchObject({ status: 0, stdout: 'Created admin root@example.com.' });
		const { rows } = await database.db.$client.query('SELECT email, role FROM users');
		expect(rows).toEqual([{ email: 'root@example.com', role: 'admin' }]);
		const key = run('api-key-create', ['--name', 'worker'], env);
		expect(key.status, key.stderr).toBe(0);
		expect(key.stdout.split('\n').at(-1)).toMatch(/^ck_[a-z2-7]{16}_[a-z2-7]{24}$/);
		const expired = run('credits-expire', [], env);
		expect(expired).toMatchObject({ status: 0 });
		expect(expired.stdout).toMatch(/^expired 0 credits from 0 lots and 0 holds in 0 accounts/);
	});
});
