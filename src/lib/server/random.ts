import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';

/** 120 bits of entropy, lower-case base32: safe in cookies and URLs. */
export function generateSecureRandomString(): string {
	return encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(15)));
}
