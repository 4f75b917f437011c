import { defineConfig } from 'drizzle-kit';

// The PostgreSQL migrations (drizzle-pg/); drizzle.config.ts keeps SQLite's.
export default defineConfig({
	schema: './src/lib/server/db/pg/schema.ts',
	out: './drizzle-pg',
	dialect: 'postgresql',
	strict: true,
	verbose: true
});
