import { getDb } from '.';
import { users } from './schema';

/** Returns a description of what is wrong with the database, or null when a query succeeds. */
export async function checkDatabase(): Promise<string | null> {
	try {
		await getDb().select({ id: users.id }).from(users).limit(1);
		return null;
	} catch (error) {
		return error instanceof Error ? error.message : String(error);
	}
}
