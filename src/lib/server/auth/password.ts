import { hash, verify } from '@node-rs/argon2';

// OWASP's recommended minimum for argon2id: 19 MiB, 2 iterations, 1 lane.
const options = { memoryCost: 19456, timeCost: 2, outputLen: 32, parallelism: 1 };

export const passwordRules = { min: 8, max: 255 } as const;

export function hashPassword(password: string): Promise<string> {
	return hash(password, options);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
	try {
		return await verify(passwordHash, password);
	} catch {
		return false;
	}
}
