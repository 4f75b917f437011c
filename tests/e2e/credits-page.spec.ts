import { expect, test, type Page } from '@playwright/test';
import { e2eEmulatorPort } from '../../playwright.config';
import { password, signUp, uniqueEmail } from './helpers';
import { firstE2e, userIdOf, writeE2eLedger } from './e2e-db';

const emulator = `http://127.0.0.1:${e2eEmulatorPort}`;
const welcomeBonus = 50;
const dayMs = 24 * 60 * 60 * 1000;

const isBuy = (url: URL) => url.pathname === '/settings/credits' && url.search === '?/buy';

async function grantBehindThePage(email: string, amount: number) {
	const userId = await userIdOf(email);
	await writeE2eLedger((ledger) =>
		ledger.grant({
			userId,
			amount,
			category: 'paid',
			reason: 'granted by another service',
			actor: 'system:e2e',
			idempotencyKey: `e2e-refresh-${email}`
		})
	);
}

test('the balance card shows available, balance, on hold and the welcome credits expiring', async ({
	page
}) => {
	await signUp(page);
	await expect(page.getByTestId('available')).toHaveText(String(welcomeBonus));
	await expect(page.getByTestId('balance')).toHaveText(`${welcomeBonus} credits`);
	await expect(page.getByTestId('on-hold')).toHaveText('0 credits');
	await expect(page.getByTestId('expiring-soon')).toHaveText(`${welcomeBonus} credits`);
	const expiry = new Intl.DateTimeFormat('en', { dateStyle: 'medium' }).format(
		Date.now() + 30 * dayMs
	);
	await expect(page.getByTestId('first-expiry')).toHaveText(`First on ${expiry}`);
	await expect(page.getByTestId('debt')).toHaveCount(0);
	await expect(page.getByTestId('balance-pill')).toHaveText(`${welcomeBonus} credits`);
});

test('Refresh shows credits granted behind the page’s back, in the card and the header, without a reload', async ({
	page
}) => {
	const email = await signUp(page);
	await expect(page.getByTestId('available')).toHaveText('50');
	await page.evaluate(() => Object.assign(window, { e2eMarker: 'still here' }));
	const card = page.getByRole('region', { name: 'Available credits' });
	const before = await card.boundingBox();

	await grantBehindThePage(email, 1250);
	await expect(page.getByTestId('available')).toHaveText('50');

	let release = () => {};
	const held = new Promise<void>((resolve) => (release = resolve));
	await page.route(
		(url) => url.pathname === '/settings/credits/__data.json',
		async (route) => {
			await held;
			await route.continue();
		}
	);
	const refresh = page.getByRole('button', { name: 'Refresh' });
	await refresh.click();
	await expect(refresh).toBeDisabled();
	await expect(refresh).toHaveAttribute('aria-busy', 'true');
	expect(await card.boundingBox()).toEqual(before);
	release();

	await expect(page.getByTestId('available')).toHaveText('1,300');
	await expect(page.getByTestId('balance')).toHaveText('1,300 credits');
	await expect(page.getByTestId('balance-pill')).toHaveText('1,300 credits');
	await expect(refresh).toBeEnabled();
	expect(await card.boundingBox()).toEqual(before);
	expect(await page.evaluate(() => (window as { e2eMarker?: string }).e2eMarker)).toBe(
		'still here'
	);
});

test('a balance below zero explains the debt and how to clear it', async ({ page }) => {
	const email = await signUp(page);
	const userId = await userIdOf(email);
	await writeE2eLedger((ledger) =>
		ledger.clawback({
			userId,
			amount: 80,
			code: 'refund',
			reason: 'refund after spending',
			actor: 'system:e2e',
			idempotencyKey: `e2e-debt-${email}`
		})
	);
	await page.reload();
	await expect(page.getByTestId('available')).toHaveText('-30');
	await expect(page.getByTestId('balance')).toHaveText('-30 credits');
	const debt = page.getByTestId('debt');
	await expect(debt).toContainText('You owe 30 credits.');
	await expect(debt).toContainText('refunded or disputed after you had spent the credits');
	await debt.getByRole('link', { name: 'buy credits' }).click();
	await expect(page).toHaveURL(/#packages-heading$/);
	await expect(page.getByTestId('balance-pill')).toHaveText('-30 credits');
});

test('Buy shows that checkout is opening, and a second click sends nothing', async ({ page }) => {
	await signUp(page);
	const buys: string[] = [];
	page.on('request', (request) => {
		if (isBuy(new URL(request.url()))) buys.push(request.method());
	});
	let release = () => {};
	const held = new Promise<void>((resolve) => (release = resolve));
	await page.route(isBuy, async (route) => {
		await held;
		await route.continue();
	});

	const buy = page.getByRole('button', { name: 'Buy Standard' });
	await buy.click();
	await expect(buy).toBeDisabled();
	await expect(buy).toHaveAttribute('aria-busy', 'true');
	await expect(buy).toHaveText('Opening checkout…');
	await buy.click({ force: true });
	await buy.evaluate((button) => (button as HTMLButtonElement).form!.requestSubmit());
	release();

	await expect(page).toHaveURL(new RegExp(`^${emulator}/`));
	await expect(page.getByRole('heading', { name: 'Pay Credits' })).toBeVisible();
	expect(buys).toEqual(['POST']);
});

test('without JavaScript, Buy is a plain form that reaches the hosted checkout', async ({
	browser
}) => {
	const context = await browser.newContext({ javaScriptEnabled: false });
	const page = await context.newPage();
	await page.goto('/signup');
	await page.getByLabel('Email').fill(uniqueEmail('nojs'));
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page).toHaveURL(/\/settings\/credits$/);
	await page.getByRole('button', { name: 'Refresh' }).click();
	await expect(page.getByTestId('available')).toHaveText('50');
	await page.getByRole('button', { name: 'Buy Premium' }).click();
	await expect(page).toHaveURL(new RegExp(`^${emulator}/`));
	await expect(page.getByRole('heading', { name: 'Pay Credits' })).toBeVisible();
	await expect(page.getByText('$79.99').first()).toBeVisible();
	await context.close();
});

async function payDelayed(page: Page) {
	await page.getByRole('button', { name: 'Buy Standard' }).click();
	await page.getByLabel('Card number').fill('4242424242424242');
	await page.getByLabel('Simulate a delayed payment (bank debit)').check();
	await page.getByRole('button', { name: 'Pay' }).click();
	await expect(page.getByRole('heading', { name: 'Payment processing' })).toBeVisible();
	await expect(page.getByText('You can leave this page')).toBeVisible();
}

test('a delayed payment that fails says so when the buyer comes back to it', async ({
	page,
	request
}) => {
	const email = await signUp(page);
	await payDelayed(page);
	const sessionId = new URL(page.url()).searchParams.get('session_id');
	const failed = await request.post(
		`${emulator}/_emulator/checkout/sessions/${sessionId}/async_payment`,
		{ data: { result: 'failed' } }
	);
	expect(failed.ok()).toBe(true);
	const statusOf = () =>
		firstE2e<string>(
			'select status from purchases join users on users.id = purchases.user_id where email = ?',
			email
		);
	await expect.poll(statusOf).toBe('failed');

	await page.reload();
	await expect(page.getByRole('heading', { name: 'Payment failed' })).toBeVisible();
	await expect(page.getByText('No credits were added and you were not charged')).toBeVisible();
	await expect(page.getByTestId('balance')).toHaveText(`${welcomeBonus} credits`);
});
