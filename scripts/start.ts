import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import Stripe from 'stripe';
import { closeDatabase, openMigrated } from '../src/lib/server/db';
import {
	ensureDemoAccounts,
	retireDemoAccounts,
	type DemoLogin,
	type RetiredDemo
} from '../src/lib/server/demo';
import { grantSignupBonus } from '../src/lib/server/signup-bonus';
import { packages } from '../src/lib/credits/packages';
import { createStripeClient, describeStripeError } from '../src/lib/server/stripe/client';
import { saveSyncedPrices, stripeAccountOf } from '../src/lib/server/stripe/prices';
import { syncPackages } from '../src/lib/server/stripe/sync';
import { describeDelivery } from '../tools/stripe-emulator/delivery';
import { startEmulator } from '../tools/stripe-emulator/server';
import { formatBanner } from './lib/banner';
import { buildIfStale } from './lib/build';
import { exitOnConfigError } from './lib/config';
import { serverArguments } from './lib/serve';
import { waitForHealthy } from './lib/wait';

const dev = process.argv.includes('--dev');
const config = exitOnConfigError();
const { dataDir } = config;
// A demo is for this machine: unless HOST says otherwise, nobody else can reach it.
const host = config.HOST ?? (config.demoMode ? '127.0.0.1' : undefined);
// adapter-node assumes https when ORIGIN is unset, which would refuse every form posted over plain http.
const appUrl =
	config.ORIGIN ??
	`http://${config.HOST && config.HOST !== '0.0.0.0' ? config.HOST : 'localhost'}:${config.PORT}`;
const env: NodeJS.ProcessEnv = {
	...process.env,
	PORT: String(config.PORT),
	DATABASE_URL: config.DATABASE_URL,
	ORIGIN: appUrl,
	...(host && { HOST: host })
};

const db = await openMigrated(config.DATABASE_URL);
const cleanups: (() => Promise<void> | void)[] = [];
// With STRIPE_API_URL set, some other Stripe-compatible server (e.g. `npm run stripe:emulator`) is already up.
if (config.demoMode && !config.STRIPE_API_URL) {
	const emulator = await startEmulator({
		port: config.STRIPE_EMULATOR_PORT,
		webhookUrl:
			config.STRIPE_EMULATOR_WEBHOOK_URL ?? `http://127.0.0.1:${config.PORT}/api/webhooks/stripe`,
		webhookSecret: config.stripeWebhookSecret,
		secretKeys: [config.stripeSecretKey],
		stateFile: join(dataDir, 'stripe-emulator.json')
	}).catch((error: unknown) => {
		console.error(`The Stripe emulator did not start: ${describeStripeError(error)}`);
		process.exit(1);
	});
	console.log(`Stripe emulator ${describeDelivery(emulator.delivery)}`);
	cleanups.push(() => emulator.close());
	env.STRIPE_API_URL = emulator.url;
}
const stripeConfig = { ...config, stripeApiUrl: env.STRIPE_API_URL ?? config.stripeApiUrl };

await syncCatalogue();

const loginsFile = join(dataDir, 'demo-logins.json');
let logins: DemoLogin[] = [];
if (config.demoMode) {
	logins = await ensureDemoAccounts(db, loginsFile, (user) => grantSignupBonus(db, user.id));
} else {
	const retired = describeRetired(await retireDemoAccounts(db, loginsFile));
	if (retired) console.log(retired);
}
await closeDatabase(db);

if (!dev) buildIfStale();
const server: ChildProcess = dev
	? spawn(
			'npx',
			[
				'vite',
				'dev',
				'--port',
				String(config.PORT),
				'--strictPort',
				...(host ? ['--host', host] : [])
			],
			{ env, stdio: 'inherit' }
		)
	: spawn(process.execPath, serverArguments(config.WEB_CONCURRENCY), { env, stdio: 'inherit' });

async function syncCatalogue() {
	try {
		const { changes, prices } = await syncPackages(createStripeClient(stripeConfig), packages);
		await saveSyncedPrices(db, prices, stripeAccountOf(stripeConfig));
		console.log(
			changes.length
				? `Synced packages to Stripe:\n${changes.map((c) => `  - ${c}`).join('\n')}`
				: 'Packages are in sync with Stripe.'
		);
	} catch (error) {
		// A Stripe-compatible server named by hand and not there is a mistake, not an outage to ride out.
		if (config.STRIPE_API_URL && error instanceof Stripe.errors.StripeConnectionError) {
			const reason = error.detail instanceof Error ? error.detail.message : error.message;
			console.error(`STRIPE_API_URL ${config.STRIPE_API_URL} cannot be reached: ${reason}`);
			await shutDown(1);
		}
		console.warn(
			`Warning: packages could not be synced to Stripe (${describeStripeError(error)}); buying uses the last prices synced with this Stripe account.`
		);
	}
}

function describeRetired({ disabled, deletedFile }: RetiredDemo): string | undefined {
	const done = [
		...(disabled.length ? [`demo accounts ${disabled.join(', ')} disabled`] : []),
		...(deletedFile ? [`${loginsFile} deleted`] : [])
	];
	return done.length ? `A real STRIPE_SECRET_KEY is set: ${done.join(' and ')}.` : undefined;
}

async function shutDown(code: number) {
	for (const cleanup of cleanups.reverse()) await cleanup();
	process.exit(code);
}
// Passed on, not acted on: the server drains its requests first, and the emulator must outlive them.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => shutDown(code ?? 1));

await waitForHealthy(`http://127.0.0.1:${config.PORT}/healthz`);
const listening =
	config.HOST || !host
		? `on ${host ?? 'every interface'}`
		: `on ${host} only; HOST=0.0.0.0 opens it to your network`;
const emulatorUrl = config.demoMode ? stripeConfig.stripeApiUrl : undefined;
console.log(`\n${formatBanner({ appUrl, listening, emulatorUrl, logins })}`);
