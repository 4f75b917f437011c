// A control character, raw or percent-encoded: raw ones make the Location header throw (a 500), encoded
// ones turn into raw ones wherever the target is decoded.
const controlCharacter = /\p{Cc}|%[01][0-9a-f]|%7f/iu;

/** Only paths on this site: `/x`, never `//host`, `/\host`, an absolute URL or a control character. */
export function isSameSitePath(target: string | null | undefined): target is string {
	if (!target || !target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\'))
		return false;
	if (controlCharacter.test(target)) return false;
	try {
		return new URL(target, 'http://localhost').origin === 'http://localhost';
	} catch {
		return false;
	}
}

export function safeRedirectTarget(
	target: string | null | undefined,
	fallback = '/settings/credits'
): string {
	return isSameSitePath(target) ? target : fallback;
}
