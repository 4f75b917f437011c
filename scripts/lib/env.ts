import { existsSync } from 'node:fs';

/** Reads `.env` in the working directory, if there is one, into process.env; the real environment wins. */
export function loadDotEnv(file = '.env') {
	if (existsSync(file)) process.loadEnvFile(file);
}
