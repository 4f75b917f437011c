import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import {
	lateAdminEmail,
	password,
	signIn,
	signInAsListedAdmin,
	signOut,
	signUp,
	uniqueEmail
} from './helpers';

test('sign up, see the signed-in shell, sign out and sign in again', async ({ page }) => {
	const email = await signUp(page);
	await expect(page).toHaveURL(/\/settings\/credits$/);
	const nav = page.getByRole('navigation', { name: 'Main' });
	await expect(nav.getByRole('link', { name: 'Credits' })).toBeVisible();
	await expect(nav.getByRole('link', { name: 'Admin' })).toHaveCount(0);

	await signOut(page);
	await expect(page.getByRole('button', { name: 'Account menu' })).toHaveCount(0);

	await signIn(page, email.toUpperCase());
	await expect(page).toHaveURL(/\/settings\/credits$/);
	await page.getByRole('button', { name: 'Account menu' }).click();
	await expect(page.getByText(`Signed in as ${email}`)).toBeVisible();
});

test('a wrong password and an unknown email give the same error', async ({ page }) => {
	const email = await signUp(page);
	await signOut(page);

	await signIn(page, email, 'not the password');
	const wrongPassword = page.getByRole('alert');
	await expect(wrongPassword).toHaveText('That email and password do not match an account.');
	await expect(page.getByLabel('Email')).toHaveValue(email);

	await signIn(page, uniqueEmail('nobody'), password);
	await expect(page.getByRole('alert')).toHaveText(
		'That email and password do not match an account.'
	);
});

test('signing up twice with one email shows a clear error', async ({ page }) => {
	const email = await signUp(page);
	await signOut(page);
	await page.goto('/signup');
	await page.getByLabel('Email').fill(`  ${email.toUpperCase()} `);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page.getByRole('alert')).toHaveText(
		'An account with this email already exists. Sign in instead.'
	);
});

test('a short password is refused next to its field', async ({ page }) => {
	await page.goto('/signup');
	await page.getByLabel('Email').fill(uniqueEmail());
	await page.getByLabel('Password').fill('short');
	await page.getByLabel('Password').evaluate((input) => input.removeAttribute('minlength'));
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page.getByText('Use at least 8 characters.')).toBeVisible();
});

test('signed-out visitors are sent to sign in and come back afterwards', async ({ page }) => {
	await page.goto('/settings/credits');
	await expect(page).toHaveURL(/\/login\?redirectTo=%2Fsettings%2Fcredits$/);
	const email = uniqueEmail();
	await page.getByRole('link', { name: 'Create one' }).click();
	await expect(page).toHaveURL(/\/signup\?redirectTo=%2Fsettings%2Fcredits$/);
	await expect(page.getByRole('heading', { name: 'Create your account' })).toBeVisible();
	await page.getByLabel('Email').fill(email);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page).toHaveURL(/\/settings\/credits$/);
});

test('redirectTo only accepts same-site paths', async ({ page }) => {
	const email = await signUp(page);
	await signOut(page);
	await page.goto('/login?redirectTo=//evil.example/phish');
	await page.getByLabel('Email').fill(email);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page).toHaveURL(/127\.0\.0\.1:\d+\/settings\/credits$/);
});

test('a redirectTo with CR/LF or NUL signs in and goes to the default page, never a 500', async ({
	page,
	baseURL
}) => {
	const email = await signUp(page);
	await signOut(page);
	const headers = { origin: new URL(baseURL!).origin, accept: 'text/html' };
	for (const redirectTo of [
		'%0d%0aSet-Cookie:x=y',
		'/%0d%0aSet-Cookie:x=y',
		'/%00',
		'/%250d%250a'
	]) {
		const response = await page.request.post(`/login?redirectTo=${redirectTo}`, {
			form: { email, password },
			maxRedirects: 0,
			headers
		});
		expect(response.status(), redirectTo).toBe(303);
		expect(response.headers().location, redirectTo).toBe('/settings/credits');
		expect(response.headers()['set-cookie'], redirectTo).not.toMatch(/^x=/m);
		const signedIn = await page.request.get(`/login?redirectTo=${redirectTo}`, {
			maxRedirects: 0,
			headers
		});
		expect(signedIn.headers().location, redirectTo).toBe('/settings/credits');
	}
	await page.goto('/settings/credits');
	await expect(page.getByRole('button', { name: 'Account menu' })).toBeVisible();
});

test('a user gets 404 on /admin and on an admin form action', async ({ page }) => {
	await signUp(page);
	const response = await page.goto('/admin');
	expect(response?.status()).toBe(404);
	const action = await page.request.post('/admin?/resolveMismatch', {
		form: { purchaseId: 'anything', decision: 'credit', reason: 'probe' },
		headers: { origin: new URL(page.url()).origin }
	});
	expect(action.status()).toBe(404);
});

test('an admin created before the server started sees Admin in the navigation and can open it', async ({
	page
}) => {
	await signInAsListedAdmin(page);
	const adminLink = page
		.getByRole('navigation', { name: 'Main' })
		.getByRole('link', { name: 'Admin' });
	await expect(adminLink).toBeVisible();
	await adminLink.click();
	await expect(page.getByRole('heading', { name: 'Admin', level: 1 })).toBeVisible();
});

test('signing up with an address listed in ADMIN_EMAILS after start-up makes a plain user', async ({
	page
}) => {
	await signUp(page, lateAdminEmail);
	await expect(
		page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' })
	).toHaveCount(0);
	expect((await page.goto('/admin'))?.status()).toBe(404);
});

test('healthz answers ok', async ({ request }) => {
	const response = await request.get('/healthz');
	expect(response.status()).toBe(200);
	expect(await response.json()).toEqual({ ok: true });
});

test('npm start prints demo logins that work, and the demo admin is an admin', async ({ page }) => {
	const logins = JSON.parse(readFileSync('tests/.tmp/demo-logins.json', 'utf8')) as {
		role: string;
		email: string;
		password: string;
	}[];
	const admin = logins.find((login) => login.role === 'admin')!;
	await signIn(page, admin.email, admin.password);
	await expect(
		page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' })
	).toBeVisible();
	await page.goto('/admin');
	await expect(page.getByRole('heading', { name: 'Admin', level: 1 })).toBeVisible();
});
