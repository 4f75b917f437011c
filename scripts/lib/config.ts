import { ConfigError, loadConfig, type Config } from '../../src/lib/server/config';
import { loadDotEnv } from './env';

/** Parses the environment (with `.env`), or prints the one-line reason and exits 1. */
export function exitOnConfigError(): Config {
	loadDotEnv();
	try {
		return loadConfig();
	} catch (error) {
		if (!(error instanceof ConfigError)) throw error;
		console.error(error.message);
		process.exit(1);
	}
}
