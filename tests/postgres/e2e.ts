/**
 * `npm run test:e2e:postgres [-- playwright args]`: the e2e suite against a server on PostgreSQL (the
 * cluster at TEST_POSTGRES_URL, else a throwaway one), then ledger:verify on the database it leaves.
 */
import { spawnSync } from 'node:child_process';
import { databaseUrl, postgresServer } from './cluster';

const server = await postgresServer();
const url = databaseUrl(server.url, 'credits_e2e');
const env = { ...process.env, E2E_DATABASE_URL: url };
const run = (command: string, args: string[], extra: NodeJS.ProcessEnv = {}) =>
	spawnSync(command, args, { stdio: 'inherit', env: { ...env, ...extra } }).status ?? 1;
let status = run('npx', ['playwright', 'test', ...process.argv.slice(2)]);
if (status === 0) status = run('npm', ['run', 'ledger:verify'], { DATABASE_URL: url });
server.stop();
process.exit(status);
