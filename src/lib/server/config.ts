import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { logLevels } from './log';
import { dirname, resolve } from 'node:path';
import { isPostgresUrl } from './db/url';
import { ensureWebhookSecret } from './webhook-secret';

const port = z.coerce
	.number({ error: 'must be a port number' })
	.int('must be a whole number')
	.min(1, 'must be between 1 and 65535')
	.max(65535, 'must be between 1 and 65535');

const httpUrl = z.url({
	protocol: /^https?$/,
	error: 'must be an http(s) URL such as http://127.0.0.1:12111'
});

const emailList = z
	.string()
	.transform((value) =>
		value
			.split(',')
			.map((email) => email.trim().toLowerCase())
			.filter(Boolean)
	)
	.pipe(z.array(z.email({ error: 'must be a comma-separated list of email addresses' })));

const schema = z
	.object({
		PORT: port.default(3000),
		HOST: z.string().min(1, 'must not be empty').optional(),
		ORIGIN: httpUrl.optional(),
		DATABASE_URL: z
			.string()
			.min(1, 'must be a file path such as data/credits.db, or a postgres:// URL')
			.default('data/credits.db'),
		DATA_DIR: z.string().min(1, 'must be a folder path').optional(),
		STRIPE_SECRET_KEY: z
			.string()
			.regex(
				/^(sk|rk)_(test|live)_\w+$/,
				'must be a Stripe secret key (sk_test_…, sk_live_… or rk_…)'
			)
			.optional(),
		STRIPE_WEBHOOK_SECRET: z
			.string()
			.regex(/^whsec_\w+$/, 'must be a webhook signing secret (whsec_…)')
			.optional(),
		STRIPE_API_URL: httpUrl.optional(),
		STRIPE_EMULATOR_PORT: port.default(12111),
		STRIPE_EMULATOR_WEBHOOK_URL: httpUrl.optional(),
		ADMIN_EMAILS: emailList.default([]),
		SIGNUP_LIMIT_PER_IP: z.coerce
			.number({ error: 'must be a whole number' })
			.int('must be a whole number')
			.min(1, 'must be at least 1')
			.default(10),
		LOG_LEVEL: z
			.enum(logLevels, { error: `must be one of ${logLevels.join(', ')}` })
			.default('info'),
		// A guard against a runaway client, not a quota: one SQLite file serves a few thousand spends/s.
		API_RATE_LIMIT_PER_MINUTE: z.coerce
			.number({ error: 'must be a whole number' })
			.int('must be a whole number')
			.min(1, 'must be at least 1')
			.default(60_000),
		WEB_CONCURRENCY: z.coerce
			.number({ error: 'must be a whole number' })
			.int('must be a whole number')
			.min(1, 'must be between 1 and 64')
			.max(64, 'must be between 1 and 64')
			.default(1)
	})
	.superRefine((env, ctx) => {
		if (env.STRIPE_SECRET_KEY && !env.STRIPE_WEBHOOK_SECRET) {
			ctx.addIssue({
				code: 'custom',
				path: ['STRIPE_WEBHOOK_SECRET'],
				message:
					'is required when STRIPE_SECRET_KEY is set (the whsec_… secret of your webhook endpoint)'
			});
		}
	});

/** Every variable the app reads (`.env.example` and the README list them all). */
export const configVariables = Object.keys(schema.shape);

export type Config = z.infer<typeof schema> & {
	/** No Stripe key: the bundled emulator stands in for Stripe and demo accounts exist. */
	demoMode: boolean;
	/** The install's own files (demo logins, the demo's webhook secret, the emulator's state). */
	dataDir: string;
	stripeSecretKey: string;
	stripeWebhookSecret: string;
	/** Where the Stripe client sends requests: STRIPE_API_URL, else the emulator in demo mode, else Stripe itself. */
	stripeApiUrl: string | undefined;
	/** Origins besides the server's own (ORIGIN) whose form posts are accepted. */
	trustedOrigins: string[];
};

export class ConfigError extends Error {}

/**
 * Parses the environment; on the first bad variable throws a ConfigError whose one-line message names it.
 * In demo mode without STRIPE_WEBHOOK_SECRET, `demoWebhookSecret` gives this install's own secret.
 */
export function parseConfig(
	env: Record<string, string | undefined>,
	demoWebhookSecret: (dataDir: string) => string
): Config {
	const present = Object.fromEntries(
		Object.entries(env).filter(([, value]) => value !== undefined && value !== '')
	);
	const result = schema.safeParse(present);
	if (!result.success) {
		const issue = result.error.issues[0];
		const name = String(issue.path[0] ?? 'environment');
		const got =
			present[name] === undefined ? 'it is not set' : `got ${JSON.stringify(present[name])}`;
		throw new ConfigError(`Invalid environment variable ${name}: ${issue.message} (${got})`);
	}
	const config = result.data;
	const demoMode = !config.STRIPE_SECRET_KEY;
	const dataDir = resolve(
		config.DATA_DIR ??
			(isPostgresUrl(config.DATABASE_URL) ? 'data' : dirname(resolve(config.DATABASE_URL)))
	);
	const stripeWebhookSecret = config.STRIPE_WEBHOOK_SECRET ?? demoWebhookSecret(dataDir);
	return {
		...config,
		demoMode,
		dataDir,
		stripeSecretKey: config.STRIPE_SECRET_KEY ?? demoSecretKey(stripeWebhookSecret),
		stripeWebhookSecret,
		stripeApiUrl:
			config.STRIPE_API_URL ??
			(demoMode ? `http://127.0.0.1:${config.STRIPE_EMULATOR_PORT}` : undefined),
		// A demo is opened at whichever loopback name the visitor types; ORIGIN can name only one.
		trustedOrigins: demoMode
			? [`http://localhost:${config.PORT}`, `http://127.0.0.1:${config.PORT}`]
			: []
	};
}

/**
 * The demo's API key, which the bundled emulator accepts and no other: derived from the install's
 * webhook secret, so `npm start` and the app it spawns agree on it without it being written down.
 */
export function demoSecretKey(webhookSecret: string): string {
	const digest = createHmac('sha256', webhookSecret).update('demo api key').digest('hex');
	return `sk_test_${digest.slice(0, 24)}`;
}

let cached: Config | undefined;

/** This process's configuration: the environment, and in demo mode the webhook secret kept beside the database. */
export function loadConfig(): Config {
	return parseConfig(process.env, ensureWebhookSecret);
}

export function getConfig(): Config {
	cached ??= loadConfig();
	return cached;
}
