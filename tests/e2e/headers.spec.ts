import { expect, test } from '@playwright/test';
import { e2eEmulatorPort } from '../../playwright.config';
import { signUp } from './helpers';
import { rawRequest, signUpRaw } from './raw-http';

const emulator = `http://127.0.0.1:${e2eEmulatorPort}`;

test('pages carry a Content-Security-Policy that forbids framing and names only this site and the checkout', async ({
	request
}) => {
	const response = await request.get('/login');
	const csp = response.headers()['content-security-policy'];
	expect(csp).toContain("frame-ancestors 'none'");
	expect(csp).toContain("default-src 'self'");
	expect(csp).toMatch(/script-src 'self' 'nonce-[\w+/=]+'/);
	expect(csp).toContain(`form-action 'self' ${emulator}`);
});

test('the signed-in pages run without a single CSP violation', async ({ page }) => {
	const violations: string[] = [];
	page.on('console', (message) => {
		if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
	});
	await signUp(page);
	await page.goto('/');
	await page.goto('/settings/credits');
	await page.getByRole('button', { name: 'Account menu' }).click();
	expect(violations).toEqual([]);
});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('Buy still reaches the hosted checkout: the CSP lets the form be redirected there', async ({
		page
	}) => {
		await page.goto('/signup');
		await page.getByLabel('Email').fill(`nojs-${Date.now()}@e2e.test`);
		await page.getByLabel('Password').fill('correct horse battery staple');
		await page.getByRole('button', { name: 'Create account' }).click();
		await expect(page).toHaveURL(/\/settings\/credits$/);
		await page.getByRole('button', { name: 'Buy Standard' }).click();
		await expect(page).toHaveURL(new RegExp(`^${emulator}/`));
		await expect(page.getByRole('heading', { name: 'Pay Credits' })).toBeVisible();
	});
});

test('answers that depend on who is signed in are never cached', async ({ page, request }) => {
	await signUp(page);
	for (const path of ['/settings/credits', '/api/v1/balance', '/']) {
		const response = await page.request.get(path);
		expect(response.headers()['cache-control'], path).toBe('no-store');
	}
	expect((await request.get('/api/v1/balance')).headers()['cache-control']).toBe('no-store');
	expect((await request.get('/login')).headers()['cache-control']).toBeUndefined();
});

test('a cross-site POST without a form content type cannot sign anyone out', async ({
	baseURL
}) => {
	const { cookie } = await signUpRaw(baseURL!);
	const forged = await rawRequest(baseURL!, {
		method: 'POST',
		path: '/logout',
		headers: { cookie, origin: 'https://evil.example' }
	});
	expect(forged.status).toBe(403);
	const fetchMetadata = await rawRequest(baseURL!, {
		method: 'POST',
		path: '/logout',
		headers: { cookie, 'sec-fetch-site': 'cross-site' }
	});
	expect(fetchMetadata.status).toBe(403);

	const stillSignedIn = await rawRequest(baseURL!, {
		path: '/api/v1/balance',
		headers: { cookie }
	});
	expect(stillSignedIn.status).toBe(200);
	const own = await rawRequest(baseURL!, {
		method: 'POST',
		path: '/logout',
		headers: { cookie, origin: new URL(baseURL!).origin }
	});
	expect(own.status).toBe(303);
	expect(
		(await rawRequest(baseURL!, { path: '/api/v1/balance', headers: { cookie } })).status
	).toBe(401);
});
