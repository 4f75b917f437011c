import { expect, type Page } from '@playwright/test';

export const password = 'correct horse battery staple';

export function uniqueEmail(prefix = 'user') {
	return `${prefix}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@e2e.test`;
}

export async function signUp(page: Page, email = uniqueEmail()) {
	await submitSignUp(page, email);
	await expect(page.getByRole('button', { name: 'Account menu' })).toBeVisible();
	return email;
}

async function submitSignUp(page: Page, email: string) {
	await page.goto('/signup');
	await page.getByLabel('Email').fill(email);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Create account' }).click();
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

/** Signs in as the ADMIN_EMAILS account the e2e server is started with, creating it on first use. */
export async function signInAsListedAdmin(page: Page) {
	const email = 'admin@e2e.test';
	// Sign-up first: tests running in parallel may both try to create the account, and the loser signs in.
	await submitSignUp(page, email);
	const menu = page.getByRole('button', { name: 'Account menu' });
	await expect(page.getByRole('alert').or(menu)).toBeVisible();
	if (await menu.isVisible()) return;
	await signIn(page, email);
	await expect(menu).toBeVisible();
}
