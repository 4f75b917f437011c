import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Ids shaped like Stripe's: a type prefix and random base62 characters. */
export function createId(prefix: string, length = 24): string {
	const bytes = randomBytes(length);
	let suffix = '';
	for (const byte of bytes) suffix += ALPHABET[byte % ALPHABET.length];
	return `${prefix}_${suffix}`;
}

export function nowSeconds(): number {
	return Math.floor(Date.now() / 1000);
}
