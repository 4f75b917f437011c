import { exitOnConfigError } from './lib/config';
import { openDatabase } from '../src/lib/server/db';

const config = exitOnConfigError();
openDatabase(config.DATABASE_URL).$client.close();
console.log(`Migrated ${config.DATABASE_URL}`);
