import { parseArgs } from 'node:util';
import { packages } from '../src/lib/credits/packages';
import { closeDatabase, openMigrated } from '../src/lib/server/db';
import { createStripeClient, describeStripeError } from '../src/lib/server/stripe/client';
import { saveSyncedPrices, stripeAccountOf } from '../src/lib/server/stripe/prices';
import { syncPackages } from '../src/lib/server/stripe/sync';
import { exitOnConfigError } from './lib/config';

const { values } = parseArgs({ options: { 'dry-run': { type: 'boolean', default: false } } });
const config = exitOnConfigError();
const dryRun = values['dry-run'];

try {
	const result = await syncPackages(createStripeClient(config), packages, { dryRun });
	for (const change of result.changes) console.log(`- ${change}`);
	if (!dryRun) {
		const db = await openMigrated(config.DATABASE_URL);
		await saveSyncedPrices(db, result.prices, stripeAccountOf(config));
		await closeDatabase(db);
	}
	console.log(
		result.changes.length === 0
			? 'Stripe is up to date.'
			: dryRun
				? 'Dry run: nothing was changed.'
				: `Synced ${result.prices.length} packages.`
	);
} catch (error) {
	console.error(
		`Sync failed: ${describeStripeError(error)} (${config.stripeApiUrl ?? 'api.stripe.com'})`
	);
	if (config.demoMode)
		console.error(
			'Without STRIPE_SECRET_KEY the sync talks to the emulator: start it with `npm run stripe:emulator`.'
		);
	process.exit(1);
}
