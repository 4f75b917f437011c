import { describe, expect, it } from 'vitest';
import { isSameSitePath, safeRedirectTarget } from './redirect';

describe('redirect targets', () => {
	it('accepts paths on this site', () => {
		expect(isSameSitePath('/settings/credits?tab=history')).toBe(true);
		expect(safeRedirectTarget('/admin')).toBe('/admin');
	});

	it('refuses anything that could leave the site', () => {
		for (const target of ['//evil.example', '/\\evil.example', 'https://evil.example/', 'javascript:alert(1)', '', null]) {
			expect(isSameSitePath(target)).toBe(false);
			expect(safeRedirectTarget(target)).toBe('/settings/credits');
		}
	});
});
