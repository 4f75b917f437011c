import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db';
import { perform } from '../db/unit';
import { apiKeys } from '../db/schema';
import { authenticateApiKey, createApiKey, listApiKeys, revokeApiKey } from './keys';

describe('API keys', () => {
	it('keep only a hash of the secret, and answer the key that was made', async () => {
		const db = openDatabase(':memory:');
		const created = await perform(db, createApiKey(db, { name: 'worker', createdBy: 'cli' }));
		expect(created.key.startsWith(`${created.prefix}_`)).toBe(true);
		const row = db.select().from(apiKeys).where(eq(apiKeys.id, created.id)).get()!;
		expect(JSON.stringify(row)).not.toContain(created.key.slice(created.prefix.length + 1));
		expect(await authenticateApiKey(db, created.key)).toBe(created.id);
		expect(await authenticateApiKey(db, `${created.prefix}_${'a'.repeat(24)}`)).toBeNull();
		expect(await authenticateApiKey(db, created.key.toUpperCase())).toBeNull();
		expect(await authenticateApiKey(db, '')).toBeNull();
	});

	it('refuse a revoked key on its very next use', async () => {
		const db = openDatabase(':memory:');
		const created = await perform(db, createApiKey(db, { name: 'worker', createdBy: 'cli' }));
		expect(await authenticateApiKey(db, created.key)).toBe(created.id);
		expect(await perform(db, revokeApiKey(db, created.id))).toMatchObject({
			ok: true,
			name: 'worker'
		});
		expect(await authenticateApiKey(db, created.key)).toBeNull();
		expect(await perform(db, revokeApiKey(db, created.id))).toEqual({
			ok: false,
			reason: 'already_revoked'
		});
		expect(await perform(db, revokeApiKey(db, 999))).toEqual({ ok: false, reason: 'not_found' });
	});

	it('note their last use at most once a minute', async () => {
		const db = openDatabase(':memory:');
		const { key } = await perform(db, createApiKey(db, { name: 'worker', createdBy: 'cli' }));
		const at = (ms: number) => new Date(Date.UTC(2030, 0, 1) + ms);
		const lastUsed = async () => (await listApiKeys(db))[0].lastUsedAt?.getTime();
		await authenticateApiKey(db, key, at(0));
		expect(await lastUsed()).toBe(at(0).getTime());
		await authenticateApiKey(db, key, at(59_000));
		expect(await lastUsed()).toBe(at(0).getTime());
		await authenticateApiKey(db, key, at(60_000));
		expect(await lastUsed()).toBe(at(60_000).getTime());
	});
});
