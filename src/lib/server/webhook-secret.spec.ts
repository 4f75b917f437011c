import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureWebhookSecret, webhookSecretFile } from './webhook-secret';

const freshDataDir = () => join(mkdtempSync(join(tmpdir(), 'credits-secret-')), 'nested');

describe('the demo webhook secret', () => {
	it('is random per install, kept in the data folder for the owner only, and the same after a restart', () => {
		const first = freshDataDir();
		const second = freshDataDir();
		const secret = ensureWebhookSecret(first);
		expect(secret).toMatch(/^whsec_[0-9a-f]{64}$/);
		expect(ensureWebhookSecret(second)).not.toBe(secret);
		expect(ensureWebhookSecret(first)).toBe(secret);
		expect(webhookSecretFile(first)).toBe(join(first, 'stripe-webhook-secret'));
		expect(statSync(webhookSecretFile(first)).mode & 0o777).toBe(0o600);
	});

	it('refuses a file that does not hold a secret, naming it', () => {
		const dataDir = freshDataDir();
		ensureWebhookSecret(dataDir);
		writeFileSync(webhookSecretFile(dataDir), 'not a secret');
		expect(() => ensureWebhookSecret(dataDir)).toThrow(
			`${webhookSecretFile(dataDir)} does not hold a whsec_… secret`
		);
	});
});
