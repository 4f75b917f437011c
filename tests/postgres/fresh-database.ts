/** `tsx tests/postgres/fresh-database.ts URL`: drops the database URL names, if any, and creates it empty. */
import pg from 'pg';
import { databaseUrl, dropDatabase } from './cluster';

const url = process.argv[2];
const name = new URL(url).pathname.slice(1);
if (!/^\w+$/.test(name)) throw new Error(`not a database name: ${name}`);
const admin = new pg.Client({ connectionString: databaseUrl(url, 'postgres') });
await admin.connect();
await dropDatabase(admin, name);
await admin.query(`CREATE DATABASE ${name}`);
await admin.end();
