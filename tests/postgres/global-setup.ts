import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migratePostgres, openPostgres } from '../../src/lib/server/db/pg/index';
import { databaseUrl, postgresServer } from './cluster';

export const templateDatabase = 'credits_template';

/** Starts (or finds) the PostgreSQL server and migrates one template database that tests copy. */
export default async function setup(project: TestProject) {
	const server = await postgresServer();
	const admin = new pg.Client({ connectionString: server.url });
	await admin.connect();
	await admin.query(`DROP DATABASE IF EXISTS ${templateDatabase} WITH (FORCE)`);
	await admin.query(`CREATE DATABASE ${templateDatabase}`);
	await admin.end();
	const db = openPostgres(databaseUrl(server.url, templateDatabase), { max: 1 });
	await migratePostgres(db);
	await db.$client.end();
	project.provide('postgresUrl', server.url);
	return server.stop;
}

declare module 'vitest' {
	export interface ProvidedContext {
		postgresUrl: string;
	}
}
