import { parseArgs } from 'node:util';
import { apiKeyNameField, createApiKeyLogged } from '../src/lib/server/admin/api-keys';
import { closeDatabase, openMigrated } from '../src/lib/server/db';
import { exitOnConfigError } from './lib/config';

const usage = 'Usage: npm run api-key:create -- --name "render-worker"';
const { values } = parseArgs({ options: { name: { type: 'string' } } });
const config = exitOnConfigError();

const name = apiKeyNameField.safeParse(values.name);
if (!name.success) {
	console.error(`--name: ${name.error.issues[0].message}\n${usage}`);
	process.exit(1);
}
const db = await openMigrated(config.DATABASE_URL);
// The audit log names who made every key; from the command line that is the operator.
const created = await createApiKeyLogged(
	db,
	{ id: 'cli', email: 'npm run api-key:create' },
	name.data,
	'cli'
);
console.log(`Created API key ${created.name} (${created.prefix}). It is shown only now:`);
console.log(created.key);
await closeDatabase(db);
