import { getDb } from '.';

/** Returns a description of what is wrong with the database, or null when a query succeeds. */
export function checkDatabase(): string | null {
	try {
		getDb().$client.prepare('select 1').get();
		return null;
	} catch (error) {
		return error instanceof Error ? error.message : String(error);
	}
}
