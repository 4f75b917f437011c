import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEnv } from 'node:util';
import { ConfigError, configVariables, parseConfig } from './config';

const installSecret = 'whsec_this_install';
const parse = (env: Record<string, string>) => parseConfig(env, () => installSecret);

function errorOf(env: Record<string, string>) {
	try {
		parse(env);
	} catch (error) {
		expect(error).toBeInstanceOf(ConfigError);
		return (error as Error).message;
	}
	throw new Error('expected parseConfig to throw');
}

describe('parseConfig', () => {
	it('accepts form posts from both loopback origins in demo mode, and from ORIGIN alone with a real key', () => {
		expect(parse({ PORT: '4000' }).trustedOrigins).toEqual([
			'http://localhost:4000',
			'http://127.0.0.1:4000'
		]);
		expect(
			parse({ STRIPE_SECRET_KEY: 'sk_live_abc', STRIPE_WEBHOOK_SECRET: 'whsec_123' }).trustedOrigins
		).toEqual([]);
	});

	it('fills the defaults of an empty environment and runs in demo mode', () => {
		const config = parse({});
		expect(config.PORT).toBe(3000);
		expect(config.DATABASE_URL).toBe('data/credits.db');
		expect(config.STRIPE_EMULATOR_PORT).toBe(12111);
		expect(config.ADMIN_EMAILS).toEqual([]);
		expect(config.demoMode).toBe(true);
		expect(config.stripeSecretKey).toMatch(/^sk_test_\w{24}$/);
		expect(parse({}).stripeSecretKey).toBe(config.stripeSecretKey);
		expect(parseConfig({}, () => 'whsec_another_install').stripeSecretKey).not.toBe(
			config.stripeSecretKey
		);
	});

	it('signs demo webhooks with the install’s own secret from its data folder, unless STRIPE_WEBHOOK_SECRET is set', () => {
		const asked: string[] = [];
		const secretOf = (env: Record<string, string>) =>
			parseConfig(env, (dataDir) => (asked.push(dataDir), installSecret)).stripeWebhookSecret;
		expect(secretOf({ DATABASE_URL: 'elsewhere/credits.db' })).toBe(installSecret);
		expect(asked).toEqual([resolve('elsewhere')]);
		expect(secretOf({ STRIPE_WEBHOOK_SECRET: 'whsec_chosen' })).toBe('whsec_chosen');
		expect(secretOf({ STRIPE_SECRET_KEY: 'sk_test_abc', STRIPE_WEBHOOK_SECRET: 'whsec_123' })).toBe(
			'whsec_123'
		);
		expect(asked).toHaveLength(1);
	});

	it('keeps the install’s files beside a SQLite file, in data/ with PostgreSQL, or in DATA_DIR', () => {
		expect(parse({ DATABASE_URL: 'some/where/credits.db' }).dataDir).toBe(resolve('some/where'));
		expect(parse({ DATABASE_URL: 'postgres://db.internal/credits' }).dataDir).toBe(resolve('data'));
		expect(
			parse({ DATABASE_URL: 'postgres://db.internal/credits', DATA_DIR: '/srv/credits' }).dataDir
		).toBe('/srv/credits');
	});

	it('treats empty strings as unset', () => {
		expect(parse({ PORT: '', STRIPE_SECRET_KEY: '' }).PORT).toBe(3000);
	});

	it('normalises ADMIN_EMAILS', () => {
		expect(parse({ ADMIN_EMAILS: ' Ada@Example.com, bob@example.com ,' }).ADMIN_EMAILS).toEqual([
			'ada@example.com',
			'bob@example.com'
		]);
	});

	it('names a malformed port and what it got, on one line', () => {
		const message = errorOf({ PORT: 'abc' });
		expect(message).toBe('Invalid environment variable PORT: must be a port number (got "abc")');
		expect(errorOf({ STRIPE_EMULATOR_PORT: '70000' })).toContain(
			'STRIPE_EMULATOR_PORT: must be between 1 and 65535'
		);
	});

	it('names a malformed URL, key or email list', () => {
		expect(errorOf({ STRIPE_API_URL: 'localhost:12111' })).toContain(
			'STRIPE_API_URL: must be an http(s) URL'
		);
		expect(errorOf({ ORIGIN: 'ftp://x' })).toContain('ORIGIN: must be an http(s) URL');
		expect(errorOf({ STRIPE_SECRET_KEY: 'pk_test_abc' })).toContain(
			'STRIPE_SECRET_KEY: must be a Stripe secret key'
		);
		expect(errorOf({ ADMIN_EMAILS: 'ada@example.com,nope' })).toContain(
			'ADMIN_EMAILS: must be a comma-separated list'
		);
	});

	it('reads SIGNUP_LIMIT_PER_IP as a positive whole number, 10 by default', () => {
		expect(parse({}).SIGNUP_LIMIT_PER_IP).toBe(10);
		expect(parse({ SIGNUP_LIMIT_PER_IP: '500' }).SIGNUP_LIMIT_PER_IP).toBe(500);
		expect(errorOf({ SIGNUP_LIMIT_PER_IP: '0' })).toContain(
			'SIGNUP_LIMIT_PER_IP: must be at least 1'
		);
		expect(errorOf({ SIGNUP_LIMIT_PER_IP: 'many' })).toContain(
			'SIGNUP_LIMIT_PER_IP: must be a whole number'
		);
	});

	it('reads WEB_CONCURRENCY as a worker count from 1 to 64, 1 by default', () => {
		expect(parse({}).WEB_CONCURRENCY).toBe(1);
		expect(parse({ WEB_CONCURRENCY: '4' }).WEB_CONCURRENCY).toBe(4);
		expect(errorOf({ WEB_CONCURRENCY: '0' })).toContain(
			'WEB_CONCURRENCY: must be between 1 and 64'
		);
		expect(errorOf({ WEB_CONCURRENCY: '1.5' })).toContain(
			'WEB_CONCURRENCY: must be a whole number'
		);
	});

	it('requires the webhook secret alongside a real key', () => {
		expect(errorOf({ STRIPE_SECRET_KEY: 'sk_test_abc' })).toBe(
			'Invalid environment variable STRIPE_WEBHOOK_SECRET: is required when STRIPE_SECRET_KEY is set (the whsec_… secret of your webhook endpoint) (it is not set)'
		);
		const config = parse({ STRIPE_SECRET_KEY: 'sk_test_abc', STRIPE_WEBHOOK_SECRET: 'whsec_123' });
		expect(config.demoMode).toBe(false);
		expect(config.stripeWebhookSecret).toBe('whsec_123');
	});
});

describe('the source', () => {
	it('holds no webhook signing secret', () => {
		const files = ['src', 'scripts'].flatMap((root) =>
			readdirSync(root, { recursive: true, encoding: 'utf8' })
				.filter(
					(file) => /\.(ts|js|svelte)$/.test(file) && !/\.spec\.ts$|(^|\/)testing\//.test(file)
				)
				.map((file) => join(root, file))
		);
		expect(files).toContain(join('src', 'lib', 'server', 'config.ts'));
		const literals = files.flatMap(
			(file) => readFileSync(file, 'utf8').match(/['"`]whsec_\w+/g) ?? []
		);
		expect(literals).toEqual([]);
	});

	it('.env.example names every variable with its default, and the README too', () => {
		const example = parseEnv(readFileSync('.env.example', 'utf8')) as Record<string, string>;
		const readme = readFileSync('README.md', 'utf8');
		expect(Object.keys(example).sort()).toEqual([...configVariables].sort());
		for (const name of configVariables) expect(readme, name).toContain(`\`${name}\``);
		const { stripeSecretKey: _exampleKey, ...fromExample } = parse(example);
		const { stripeSecretKey: _defaultKey, ...defaults } = parse({});
		expect(fromExample).toEqual(defaults);
	});
});
