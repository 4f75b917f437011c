import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findUserByEmail, signIn } from '../src/lib/server/auth/accounts';
import { ensureDemoAccounts } from '../src/lib/server/demo';
import {
	findSyncedPrice,
	saveSyncedPrices,
	stripeAccountOf
} from '../src/lib/server/stripe/prices';
import { startEmulator } from '../tools/stripe-emulator/server';
import { openDatabase } from '../src/lib/server/db';
import { authenticateApiKey } from '../src/lib/server/api/keys';
import { listAudit } from '../src/lib/server/admin/audit';

const root = process.cwd();
const tsx = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;

function run(script: string, args: string[], env: Record<string, string | undefined>, cwd = root) {
	const result = spawnSync(
		process.execPath,
		['--import', tsx, join(root, `scripts/${script}.ts`), ...args],
		{
			cwd,
			// An empty variable still counts as set (and wins over `.env`); spawn leaves `undefined` ones out.
			env: { ...process.env, ...env },
			encoding: 'utf8'
		}
	);
	return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

/**
 * Runs `npm start`'s script until it exits, or until its output matches `until` (then it and the
 * server it started are stopped), for at most 60 s.
 */
function runStart(env: Record<string, string>, until?: RegExp) {
	const child = spawn(process.execPath, ['--import', tsx, join(root, 'scripts/start.ts')], {
		env: { ...process.env, PORT: '4679', STRIPE_EMULATOR_PORT: '12699', ...env },
		detached: true
	});
	let stdout = '';
	let stderr = '';
	const stop = () => process.kill(-child.pid!, 'SIGKILL');
	const timer = setTimeout(stop, 60_000);
	child.stdout.on('data', (chunk) => {
		stdout += chunk;
		if (until?.test(stdout)) stop();
	});
	child.stderr.on('data', (chunk) => (stderr += chunk));
	return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) =>
		child.on('exit', (status) => {
			clearTimeout(timer);
			resolve({ status, stdout: stdout.trim(), stderr: stderr.trim() });
		})
	);
}

const freshDatabase = () => join(mkdtempSync(join(tmpdir(), 'credits-scripts-')), 'credits.db');

describe('npm scripts', () => {
	it('stop with one line naming a malformed variable', () => {
		const result = run('migrate', [], { PORT: 'abc', DATABASE_URL: freshDatabase() });
		expect(result.status).toBe(1);
		expect(result.stderr).toBe(
			'Invalid environment variable PORT: must be a port number (got "abc")'
		);
	});

	it('read .env from the working directory, and the real environment wins over it', () => {
		const folder = mkdtempSync(join(tmpdir(), 'credits-dotenv-'));
		// Migrations are read from the working directory, as `npm run` gives the project folder.
		symlinkSync(join(root, 'drizzle'), join(folder, 'drizzle'));
		writeFileSync(
			join(folder, '.env'),
			'# a comment\nDATABASE_URL=from-file/credits.db\nPORT=4000 # the port\n'
		);
		const fromFile = run('migrate', [], { DATABASE_URL: undefined }, folder);
		expect(fromFile).toMatchObject({ status: 0, stdout: 'Migrated from-file/credits.db' });
		const fromEnvironment = run('migrate', [], { DATABASE_URL: 'real/credits.db' }, folder);
		expect(fromEnvironment).toMatchObject({ status: 0, stdout: 'Migrated real/credits.db' });
		writeFileSync(join(folder, '.env'), 'PORT=abc\n');
		expect(run('migrate', [], { PORT: undefined }, folder).stderr).toBe(
			'Invalid environment variable PORT: must be a port number (got "abc")'
		);
	});

	it('npm start stops with one line when STRIPE_API_URL cannot be reached', async () => {
		const result = await runStart(
			{
				DATABASE_URL: freshDatabase(),
				STRIPE_API_URL: 'http://127.0.0.1:1',
				STRIPE_SECRET_KEY: '',
				STRIPE_WEBHOOK_SECRET: ''
			},
			/Credits is running/
		);
		expect(result.stderr).toMatch(
			/^STRIPE_API_URL http:\/\/127\.0\.0\.1:1 cannot be reached: .*ECONNREFUSED/
		);
		expect(result.stderr.split('\n')).toHaveLength(1);
		expect(result.status).toBe(1);
	}, 70_000);

	it('npm start with a real key sells only prices synced with it, and disables the demo accounts', async () => {
		const file = freshDatabase();
		const loginsFile = join(file, '../demo-logins.json');
		const before = openDatabase(file);
		const demoLogins = await ensureDemoAccounts(before, loginsFile);
		const demoPrice = {
			packageId: 'basic',
			productId: 'p',
			priceId: 'price_demo',
			unitAmount: 1,
			currency: 'usd',
			credits: 1
		};
		await saveSyncedPrices(
			before,
			[demoPrice],
			stripeAccountOf({ stripeApiUrl: 'http://127.0.0.1:12111' })
		);
		before.$client.close();
		// Real Stripe cannot be reached from here: a real-looking key against an emulator stands in for it.
		const stripe = await startEmulator({ port: 0 });
		const real = { STRIPE_SECRET_KEY: 'sk_test_real_account', stripeApiUrl: stripe.url };
		try {
			const result = await runStart(
				{
					DATABASE_URL: file,
					STRIPE_SECRET_KEY: real.STRIPE_SECRET_KEY,
					STRIPE_WEBHOOK_SECRET: 'whsec_real',
					STRIPE_API_URL: stripe.url
				},
				/STRIPE_SECRET_KEY is set.*\n/
			);
			expect(result.stdout).toContain(
				`A real STRIPE_SECRET_KEY is set: demo accounts admin@example.com, user@example.com disabled and ${loginsFile} deleted.`
			);
		} finally {
			await stripe.close();
		}
		expect(existsSync(loginsFile)).toBe(false);
		const after = openDatabase(file);
		const synced = await findSyncedPrice(after, 'basic', stripeAccountOf(real));
		expect(synced?.priceId).toMatch(/^price_/);
		expect(synced?.priceId).not.toBe('price_demo');
		for (const login of demoLogins) expect((await signIn(after, login, '10.9.4.1')).ok).toBe(false);
		after.$client.close();
	}, 70_000);

	it('db:migrate creates the database and its folder', () => {
		const file = freshDatabase().replace('credits.db', 'nested/credits.db');
		const result = run('migrate', [], { DATABASE_URL: file });
		expect(result).toMatchObject({ status: 0, stdout: `Migrated ${file}` });
	});

	it('admin:create creates an admin, then promotes an existing account', async () => {
		const file = freshDatabase();
		const created = run(
			'admin-create',
			['--email', ' Root@Example.com ', '--password', 'a long password'],
			{ DATABASE_URL: file }
		);
		expect(created).toMatchObject({ status: 0, stdout: 'Created admin root@example.com.' });
		const again = run('admin-create', ['--email', 'root@example.com'], { DATABASE_URL: file });
		expect(again).toMatchObject({ status: 0, stdout: 'root@example.com is now an admin.' });
		const db = openDatabase(file);
		expect((await findUserByEmail(db, 'root@example.com'))?.role).toBe('admin');
		db.$client.close();
	});

	it('admin:create explains a bad email or a short password', () => {
		const file = freshDatabase();
		const badEmail = run('admin-create', ['--email', 'nope', '--password', 'a long password'], {
			DATABASE_URL: file
		});
		expect(badEmail.status).toBe(1);
		expect(badEmail.stderr).toContain('--email: Enter a valid email address');
		const shortPassword = run('admin-create', ['--email', 'a@example.com', '--password', 'short'], {
			DATABASE_URL: file
		});
		expect(shortPassword.status).toBe(1);
		expect(shortPassword.stderr).toContain('--password: Use at least 8 characters.');
	});

	it('api-key:create prints a working key on its own last line, and logs it', async () => {
		const file = freshDatabase();
		const missing = run('api-key-create', [], { DATABASE_URL: file });
		expect(missing.status).toBe(1);
		expect(missing.stderr).toContain('--name: Name the key.');
		const created = run('api-key-create', ['--name', 'render-worker'], { DATABASE_URL: file });
		expect(created.status).toBe(0);
		const key = created.stdout.split('\n').at(-1)!;
		expect(key).toMatch(/^ck_[a-z2-7]{16}_[a-z2-7]{24}$/);
		const db = openDatabase(file);
		expect(await authenticateApiKey(db, key)).toBeTypeOf('number');
		expect((await listAudit(db)).entries[0]).toMatchObject({
			action: 'api_key_create',
			outcome: 'ok'
		});
		db.$client.close();
	});
});
