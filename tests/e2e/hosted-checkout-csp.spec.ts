import { expect, test, type Page } from '@playwright/test';
import { e2eEmulatorPort } from '../../playwright.config';
import { signUp } from './helpers';

const emulator = `http://127.0.0.1:${e2eEmulatorPort}`;

/** Every CSP complaint Chromium makes, on any page the test visits, from either site. */
function collectViolations(page: Page): string[] {
	const violations: string[] = [];
	page.on('console', (message) => {
		if (/Content Security Policy|Content-Security-Policy/i.test(message.text()))
			violations.push(message.text());
	});
	return violations;
}

async function openCheckout(page: Page) {
	await signUp(page);
	const hosted = page.waitForResponse((response) => response.url().startsWith(`${emulator}/`));
	await page.getByRole('button', { name: 'Buy Standard' }).click();
	await expect(page.getByRole('heading', { name: 'Pay Credits' })).toBeVisible();
	return hosted;
}

test('the hosted checkout sends a strict CSP and pays through to the app without one violation', async ({
	page,
	baseURL
}) => {
	const violations = collectViolations(page);
	const response = await openCheckout(page);
	const headers = response.headers();
	const csp = headers['content-security-policy'];
	expect(csp).toContain("default-src 'none'");
	expect(csp).toMatch(/style-src 'sha256-[\w+/=]+'/);
	expect(csp).toContain(`form-action 'self' ${new URL(baseURL!).origin}`);
	expect(csp).toContain("frame-ancestors 'none'");
	expect(csp).not.toMatch(/unsafe-inline|script-src/);
	expect(headers['x-content-type-options']).toBe('nosniff');
	expect(headers['referrer-policy']).toBe('same-origin');
	// The style applies: a blocked stylesheet would leave the Pay button's default grey.
	await expect(page.getByRole('button', { name: 'Pay', exact: true })).toHaveCSS(
		'background-color',
		'rgb(99, 91, 255)'
	);

	await page.getByLabel('Card number').fill('4000000000000002');
	await page.getByRole('button', { name: 'Pay', exact: true }).click();
	await expect(page.getByRole('alert')).toHaveText('Your card was declined.');
	await page.getByLabel('Card number').fill('4242424242424242');
	await page.getByRole('button', { name: 'Pay', exact: true }).click();
	await expect(page.getByRole('heading', { name: '500 credits added' })).toBeVisible();
	expect(violations).toEqual([]);
});

test('cancelling on the hosted checkout returns to the app without a CSP violation', async ({
	page
}) => {
	const violations = collectViolations(page);
	await openCheckout(page);
	await page.getByRole('button', { name: 'Cancel' }).click();
	await expect(page).toHaveURL(/\/settings\/credits\?checkout=cancelled$/);
	expect(violations).toEqual([]);
});
