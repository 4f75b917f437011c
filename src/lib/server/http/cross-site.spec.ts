import { describe, expect, it } from 'vitest';
import { isCrossSiteWrite } from './cross-site';

const origin = 'https://credits.example.com';
const request = (method: string, headers: Record<string, string> = {}) =>
	new Request(`${origin}/logout`, { method, headers });

describe('isCrossSiteWrite', () => {
	it('refuses a write whose Origin is another site, whatever its content type', () => {
		expect(isCrossSiteWrite(request('POST', { origin: 'https://evil.example' }), origin)).toBe(
			true
		);
		expect(isCrossSiteWrite(request('DELETE', { origin: 'null' }), origin)).toBe(true);
		expect(isCrossSiteWrite(request('POST', { 'sec-fetch-site': 'cross-site' }), origin)).toBe(
			true
		);
	});

	it('lets same-origin writes, reads and clients without an Origin through', () => {
		expect(isCrossSiteWrite(request('POST', { origin }), origin)).toBe(false);
		expect(isCrossSiteWrite(request('GET', { origin: 'https://evil.example' }), origin)).toBe(
			false
		);
		expect(isCrossSiteWrite(request('POST'), origin)).toBe(false);
		expect(isCrossSiteWrite(request('POST', { 'sec-fetch-site': 'same-origin' }), origin)).toBe(
			false
		);
	});

	it('accepts an origin it is told to trust', () => {
		const other = 'http://127.0.0.1:3000';
		expect(isCrossSiteWrite(request('POST', { origin: other }), origin, [other])).toBe(false);
	});
});
