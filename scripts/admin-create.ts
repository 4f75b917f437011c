import { parseArgs } from 'node:util';
import { createUser, findUserByEmail } from '../src/lib/server/auth/accounts';
import { credentialsSchema } from '../src/lib/server/auth/credentials';
import { promoteToAdmin } from '../src/lib/server/admin/users';
import { closeDatabase, openMigrated } from '../src/lib/server/db';
import { exitOnConfigError } from './lib/config';

const usage =
	'Usage: npm run admin:create -- --email you@example.com --password "at least 8 characters"';
const { values } = parseArgs({
	options: { email: { type: 'string' }, password: { type: 'string' } }
});
const config = exitOnConfigError();
const db = await openMigrated(config.DATABASE_URL);

const email = credentialsSchema.shape.email.safeParse(values.email ?? '');
if (!email.success) fail(`--email: ${email.error.issues[0].message}`);

const existing = await findUserByEmail(db, email.data);
if (existing) {
	await promoteToAdmin(db, existing.id);
	console.log(
		`${email.data} is now an admin${values.password ? ' (its password is unchanged)' : ''}.`
	);
} else {
	const credentials = credentialsSchema.safeParse({
		email: email.data,
		password: values.password ?? ''
	});
	if (!credentials.success) fail(`--password: ${credentials.error.issues[0].message}`);
	await createUser(db, credentials.data, 'admin');
	console.log(`Created admin ${email.data}.`);
}
await closeDatabase(db);

function fail(message: string): never {
	console.error(`${message}\n${usage}`);
	process.exit(1);
}
