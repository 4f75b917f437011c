import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const secretPattern = /^whsec_\w+$/;

/** In the install's data folder, like the demo logins: one secret per install. */
export function webhookSecretFile(dataDir: string): string {
	return join(dataDir, 'stripe-webhook-secret');
}

/**
 * The demo's webhook signing secret, made at random on first use and kept readable only by the owner,
 * so that the emulator signing events and the app verifying them agree across restarts while nobody
 * else can sign a payment.
 */
export function ensureWebhookSecret(dataDir: string): string {
	const file = webhookSecretFile(dataDir);
	const saved = readSecret(file);
	if (saved !== undefined) {
		if (!secretPattern.test(saved))
			throw new Error(`${file} does not hold a whsec_… secret; delete it to make a new one`);
		return saved;
	}
	mkdirSync(dirname(file), { recursive: true });
	try {
		// 256 bits, like the secrets Stripe issues; `wx` keeps whichever process wrote first.
		writeFileSync(file, `whsec_${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
	}
	return ensureWebhookSecret(dataDir);
}

function readSecret(file: string): string | undefined {
	try {
		return readFileSync(file, 'utf8').trim();
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw error;
	}
}
