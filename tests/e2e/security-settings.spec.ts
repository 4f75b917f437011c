import { expect, test, type Browser, type Page } from '@playwright/test';
import { password, screenshots, signIn, signUp } from './helpers';
import { rawRequest, signUpRaw } from './raw-http';

const newPassword = 'a brand new passphrase';
// Each test hashes or verifies a password (argon2id, 19 MiB) four to six times.
const hashing = { timeout: 15_000 };
test.describe.configure({ timeout: 60_000 });

/** The same account signed in from a second browser, with its own cookies. */
async function secondDevice(browser: Browser, email: string): Promise<Page> {
	const context = await browser.newContext();
	const page = await context.newPage();
	await signIn(page, email);
	await expect(page.getByRole('button', { name: 'Account menu' })).toBeVisible(hashing);
	return page;
}

async function expectSignedOut(page: Page) {
	await page.goto('/settings/credits');
	await expect(page).toHaveURL(/\/login\?redirectTo=%2Fsettings%2Fcredits$/);
	await expect(page.getByRole('button', { name: 'Account menu' })).toHaveCount(0);
}

async function openSecurity(page: Page) {
	await page.getByRole('button', { name: 'Account menu' }).click();
	await page.getByRole('link', { name: 'Security' }).click();
	await expect(page.getByRole('heading', { name: 'Security', level: 1 })).toBeVisible();
}

async function submitPasswordChange(page: Page, current: string, next: string) {
	await page.getByLabel('Current password').fill(current);
	await page.getByLabel('New password').fill(next);
	await page.getByRole('button', { name: 'Change password' }).click();
}

const sessionRows = (page: Page) =>
	page.getByRole('region', { name: 'Active sessions' }).locator('tbody tr');

test('changing the password signs the other browser out and keeps this one signed in', async ({
	page,
	browser
}) => {
	const email = await signUp(page);
	const phone = await secondDevice(browser, email);
	await openSecurity(page);
	await expect(sessionRows(page)).toHaveCount(2);
	await expect(page.getByText('This device')).toHaveCount(1);

	await submitPasswordChange(page, password, newPassword);
	await expect(page.getByText('Password changed. Every other device was signed out')).toBeVisible(
		hashing
	);
	await expect(sessionRows(page)).toHaveCount(1);
	await expect(sessionRows(page).getByText('This device')).toBeVisible();
	await page.goto('/settings/credits');
	await expect(page.getByRole('button', { name: 'Account menu' })).toBeVisible();

	await expectSignedOut(phone);
	await signIn(phone, email);
	await expect(phone.getByText('That email and password do not match an account.')).toBeVisible(
		hashing
	);
	await signIn(phone, email, newPassword);
	await expect(phone).toHaveURL(/\/settings\/credits$/, hashing);
	await phone.context().close();
});

test('a wrong current password is refused next to its field and changes nothing', async ({
	page,
	browser
}) => {
	const email = await signUp(page);
	const phone = await secondDevice(browser, email);
	await openSecurity(page);
	await submitPasswordChange(page, 'not my password', newPassword);

	const current = page.getByLabel('Current password');
	await expect(current).toHaveAttribute('aria-invalid', 'true', hashing);
	await expect(current).toHaveAccessibleDescription('That is not your current password.');
	await expect(page.getByLabel('New password')).not.toHaveAttribute('aria-invalid', 'true');
	await expect(sessionRows(page)).toHaveCount(2);

	await phone.goto('/settings/credits');
	await expect(phone.getByRole('button', { name: 'Account menu' })).toBeVisible();
	await phone.context().close();
	const fresh = await browser.newContext();
	const check = await fresh.newPage();
	await signIn(check, email, password);
	await expect(check).toHaveURL(/\/settings\/credits$/, hashing);
	await fresh.close();
});

test('sign out everywhere ends every session, this one too, and says so on the sign-in page', async ({
	page,
	browser
}) => {
	const email = await signUp(page);
	const phone = await secondDevice(browser, email);
	await openSecurity(page);
	await page.getByRole('button', { name: 'Sign out everywhere' }).click();

	await expect(page).toHaveURL(/\/login\?signedOut=everywhere$/);
	await expect(page.getByRole('status')).toHaveText(
		'You were signed out on every device. Sign in again to continue.'
	);
	await expectSignedOut(page);
	await expectSignedOut(phone);
	await phone.context().close();
});

test('the old cookie no longer works after POST /logout, nor after sign out everywhere', async ({
	baseURL
}) => {
	const origin = new URL(baseURL!).origin;
	const balance = (cookie: string) =>
		rawRequest(baseURL!, { path: '/api/v1/balance', headers: { cookie } });

	const { cookie } = await signUpRaw(baseURL!);
	expect((await balance(cookie)).status).toBe(200);
	const logout = await rawRequest(baseURL!, {
		method: 'POST',
		path: '/logout',
		headers: { cookie, origin }
	});
	expect(logout.status).toBe(303);
	expect((await balance(cookie)).status).toBe(401);
	const page = await rawRequest(baseURL!, {
		path: '/settings/security',
		headers: { cookie, accept: 'text/html' }
	});
	expect(page.status).toBe(303);
	expect(page.headers.location).toMatch(/^\/login\?redirectTo=/);

	const other = await signUpRaw(baseURL!);
	const everywhere = await rawRequest(baseURL!, {
		method: 'POST',
		path: '/settings/security?/signOutEverywhere',
		headers: {
			cookie: other.cookie,
			origin,
			accept: 'text/html',
			'content-type': 'application/x-www-form-urlencoded'
		},
		body: ''
	});
	expect(everywhere.status).toBe(303);
	expect(everywhere.headers.location).toBe('/login?signedOut=everywhere');
	expect((await balance(other.cookie)).status).toBe(401);
});

test('screenshots of the security page at 360 and 1280 px, light and dark', async ({
	page,
	browser
}) => {
	const email = await signUp(page);
	const phone = await secondDevice(browser, email);
	await page.goto('/settings/security');
	await submitPasswordChange(page, 'not my password', newPassword);
	await expect(page.getByLabel('Current password')).toHaveAttribute(
		'aria-invalid',
		'true',
		hashing
	);
	await screenshots(page, 'settings-security');
	const { scrollWidth, innerWidth } = await page.evaluate(() => ({
		scrollWidth: document.documentElement.scrollWidth,
		innerWidth: window.innerWidth
	}));
	expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
	await phone.context().close();
});
