import { defineConfig, devices } from '@playwright/test';
import { e2eDatabaseUrl, isPostgresE2e } from './tests/e2e/e2e-db';
import { adminEmail, lateAdminEmail, password } from './tests/e2e/helpers';

// Overridable so that two checkouts on one machine can run their e2e suites side by side.
const port = Number(process.env.E2E_PORT ?? 4173);
export const e2eEmulatorPort = Number(process.env.E2E_EMULATOR_PORT ?? 12190);

// Against PostgreSQL (E2E_DATABASE_URL=postgres://…) each run starts from an empty database, as it
// does from an empty file on SQLite.
const freshPostgres = isPostgresE2e
	? `tsx tests/postgres/fresh-database.ts '${e2eDatabaseUrl}' && `
	: '';

export default defineConfig({
	testDir: 'tests/e2e',
	// Two app servers sharing one database need PostgreSQL; on SQLite cluster.spec.ts runs two workers.
	testIgnore: isPostgresE2e ? [] : ['**/two-instances.spec.ts'],
	fullyParallel: true,
	workers: 2,
	retries: 0,
	forbidOnly: !!process.env.CI,
	reporter: process.env.CI ? 'list' : [['list'], ['html', { open: 'never' }]],
	timeout: 30_000,
	use: {
		baseURL: `http://127.0.0.1:${port}`,
		trace: 'retain-on-failure',
		launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' }
	},
	projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
	webServer: {
		// The admin exists before start-up: ADMIN_EMAILS promotes only accounts that exist then.
		command: `rm -rf tests/.tmp && ${freshPostgres}npm run admin:create -- --email ${adminEmail} --password '${password}' && npm start`,
		url: `http://127.0.0.1:${port}/healthz`,
		reuseExistingServer: false,
		timeout: 180_000,
		stdout: 'pipe',
		env: {
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: `http://127.0.0.1:${port}`,
			DATABASE_URL: e2eDatabaseUrl,
			DATA_DIR: 'tests/.tmp',
			STRIPE_EMULATOR_PORT: String(e2eEmulatorPort),
			ADMIN_EMAILS: `${adminEmail},${lateAdminEmail}`,
			SIGNUP_LIMIT_PER_IP: '1000',
			// Low enough that credits-api.spec.ts can see a key's 429 without a flood.
			API_RATE_LIMIT_PER_MINUTE: '200',
			STRIPE_SECRET_KEY: '',
			STRIPE_WEBHOOK_SECRET: '',
			STRIPE_API_URL: ''
		}
	}
});
