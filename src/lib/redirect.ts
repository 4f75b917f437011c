/** Only paths on this site: `/x`, never `//host`, `/\host` or an absolute URL. */
export function isSameSitePath(target: string | null | undefined): target is string {
	if (!target || !target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) return false;
	try {
		return new URL(target, 'http://localhost').origin === 'http://localhost';
	} catch {
		return false;
	}
}

export function safeRedirectTarget(target: string | null | undefined, fallback = '/settings/credits'): string {
	return isSameSitePath(target) ? target : fallback;
}
