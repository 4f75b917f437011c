import { expect, type Page } from '@playwright/test';

export const password = 'correct horse battery staple';

export function uniqueEmail(prefix = 'user') {
	return `${prefix}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@e2e.test`;
}

export async function signUp(page: Page, email = uniqueEmail()) {
	await page.goto('/signup');
	await page.getByLabel('Email').fill(email);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page.getByRole('button', { name: 'Account menu' })).toBeVisible();
	return email;
}

export async function signIn(page: Page, email: string, secret = password) {
	await page.goto('/login');
	await page.getByLabel('Email').fill(email);
	await page.getByLabel('Password').fill(secret);
	await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function signOut(page: Page) {
	await page.getByRole('button', { name: 'Account menu' }).click();
	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page).toHaveURL(/\/login$/);
}

export const adminEmail = 'admin@e2e.test';
/** Listed in the e2e server's ADMIN_EMAILS, but nobody has this account when the server starts. */
export const lateAdminEmail = 'late-admin@e2e.test';

/** Signs in as the admin that the e2e server's command creates before it starts. */
export async function signInAsListedAdmin(page: Page) {
	await signIn(page, adminEmail);
	await expect(page.getByRole('button', { name: 'Account menu' })).toBeVisible();
}

/** Full-page screenshots at 360 and 1280 px, light and dark, under test-results/screenshots (for review). */
export async function screenshots(page: Page, name: string) {
	for (const colorScheme of ['light', 'dark'] as const) {
		await page.emulateMedia({ colorScheme });
		for (const width of [360, 1280]) {
			await page.setViewportSize({ width, height: 900 });
			await page.screenshot({
				path: `test-results/screenshots/${name}-${width}-${colorScheme}.png`,
				fullPage: true
			});
		}
	}
	await page.emulateMedia({ colorScheme: 'light' });
	await page.setViewportSize({ width: 1280, height: 900 });
}

/** `credits_session=…` from a fetch answer that signed someone in; throws when it did not. */
export function sessionCookieOf(response: Response): string {
	const cookie = response.headers
		.getSetCookie()
		.map((line) => line.split(';')[0])
		.find((pair) => pair.startsWith('credits_session='));
	if (!cookie) throw new Error(`no session cookie (status ${response.status})`);
	return cookie;
}
