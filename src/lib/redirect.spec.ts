import { describe, expect, it } from 'vitest';
import { isSameSitePath, safeRedirectTarget } from './redirect';

describe('redirect targets', () => {
	it('accepts paths on this site', () => {
		expect(isSameSitePath('/settings/credits?tab=history')).toBe(true);
		expect(safeRedirectTarget('/admin')).toBe('/admin');
	});

	it('refuses anything that could leave the site', () => {
		for (const target of [
			'//evil.example',
			'/\\evil.example',
			'https://evil.example/',
			'javascript:alert(1)',
			'',
			null
		]) {
			expect(isSameSitePath(target)).toBe(false);
			expect(safeRedirectTarget(target)).toBe('/settings/credits');
		}
	});

	it('refuses control characters, raw or percent-encoded, which cannot go into a Location header', () => {
		for (const target of [
			'/\r\nSet-Cookie:x=y',
			'/a\u0000b',
			'/a\tb',
			'/a\u007fb',
			'/%0d%0aSet-Cookie:x=y',
			'/a%00b',
			'/a%1Fb',
			'/a%7fb'
		]) {
			expect(isSameSitePath(target)).toBe(false);
			expect(safeRedirectTarget(target)).toBe('/settings/credits');
		}
		expect(isSameSitePath('/settings/credits?q=100%25%20off')).toBe(true);
	});
});
