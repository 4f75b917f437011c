/**
 * Compares Stripe with the purchases and the ledger, repairs what missed webhooks left undone and
 * prints what an admin must decide. Exits 1 when anything is left unrepaired (with --dry-run, also
 * when a repair is due), 0 otherwise.
 */
import { parseArgs } from 'node:util';
import { closeDatabase, openMigrated } from '../src/lib/server/db';
import { createStripeClient, describeStripeError } from '../src/lib/server/stripe/client';
import { reconcileStripe } from '../src/lib/server/stripe/reconcile';
import { exitOnConfigError } from './lib/config';
import { formatSummary, parseSince } from './lib/reconcile';

const { values } = parseArgs({
	options: { since: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } }
});
const config = exitOnConfigError();
const dryRun = values['dry-run'];
const since = values.since === undefined ? undefined : parseSince(values.since);
if (since === null) {
	console.error(`--since takes a day (2026-11-28) or a number of days (3d), not "${values.since}"`);
	process.exit(1);
}

const db = await openMigrated(config.DATABASE_URL);
try {
	const summary = await reconcileStripe(db, createStripeClient(config), { since, dryRun });
	console.log(formatSummary(summary));
	process.exitCode = summary.problems.length > 0 || (dryRun && summary.repaired.length > 0) ? 1 : 0;
} catch (error) {
	console.error(
		`Reconciliation failed: ${describeStripeError(error)} (${config.stripeApiUrl ?? 'api.stripe.com'})`
	);
	process.exitCode = 1;
} finally {
	await closeDatabase(db);
}
