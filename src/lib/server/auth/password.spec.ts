import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password';

describe('password hashing', () => {
	it('hashes with argon2id and verifies only the right password', async () => {
		const hash = await hashPassword('correct horse battery staple');
		expect(hash).toMatch(/^\$argon2id\$/);
		expect(hash).not.toContain('correct horse');
		expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true);
		expect(await verifyPassword(hash, 'Correct horse battery staple')).toBe(false);
	});

	it('salts every hash', async () => {
		expect(await hashPassword('same password')).not.toBe(await hashPassword('same password'));
	});

	it('answers false, not an exception, for a corrupt hash', async () => {
		expect(await verifyPassword('not-a-hash', 'whatever')).toBe(false);
	});
});
