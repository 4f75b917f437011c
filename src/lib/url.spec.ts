import { describe, expect, it } from 'vitest';
import { withParams } from './url';

describe('withParams', () => {
	it('sets and removes parameters and keeps the rest', () => {
		const url = new URL('http://x/admin/users?q=ada&after=5.abc');
		expect(withParams(url, { after: null, before: '3.xyz' })).toBe(
			'/admin/users?q=ada&before=3.xyz'
		);
		expect(withParams(url, { q: null, after: null })).toBe('/admin/users');
	});
});
