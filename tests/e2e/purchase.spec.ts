import { expect, test, type Page } from '@playwright/test';
import { e2eEmulatorPort } from '../../playwright.config';
import { signUp } from './helpers';

const emulator = `http://127.0.0.1:${e2eEmulatorPort}`;
const welcomeBonus = 50;

async function balance(page: Page) {
	return Number((await page.getByTestId('balance').innerText()).replace(/[^\d-]/g, ''));
}

async function openStandardCheckout(page: Page) {
	await signUp(page);
	await expect(page.getByTestId('balance')).toContainText(`${welcomeBonus} credits`);
	await page.getByRole('button', { name: 'Buy Standard' }).click();
	await expect(page).toHaveURL(new RegExp(`^${emulator}/`));
	await expect(page.getByRole('heading', { name: 'Pay Credits' })).toBeVisible();
	await expect(page.getByText('$39.99').first()).toBeVisible();
}

async function payWith(page: Page, card: string, options: { delayed?: boolean } = {}) {
	await page.getByLabel('Card number').fill(card);
	if (options.delayed) await page.getByLabel('Simulate a delayed payment (bank debit)').check();
	await page.getByRole('button', { name: 'Pay' }).click();
}

test('buying Standard with 4242… adds exactly 500 credits', async ({ page }) => {
	await openStandardCheckout(page);
	await payWith(page, '4242424242424242');
	await expect(page).toHaveURL(/\/settings\/credits\/success\?session_id=cs_test_/);
	await expect(page.getByRole('heading', { name: '500 credits added' })).toBeVisible();
	await expect(page.getByTestId('balance')).toHaveText(`${welcomeBonus + 500} credits`);

	await page.reload();
	await expect(page.getByRole('heading', { name: '500 credits added' })).toBeVisible();
	await page.getByRole('link', { name: 'Back to your credits' }).click();
	expect(await balance(page)).toBe(welcomeBonus + 500);
	await expect(page.getByText('Paid', { exact: true })).toBeVisible();
	const pageData = await (await page.request.get('/settings/credits/__data.json')).text();
	expect(pageData).toContain('amountMinor');
	expect(pageData).not.toMatch(/cs_test_|pi_|cus_|checkoutSessionId|userId/);
});

test('a declined card shows Stripe’s message on the hosted page and credits nothing', async ({
	page
}) => {
	await openStandardCheckout(page);
	await payWith(page, '4000000000000002');
	await expect(page.getByRole('alert')).toHaveText('Your card was declined.');
	await payWith(page, '4000000000009995');
	await expect(page.getByRole('alert')).toHaveText('Your card has insufficient funds.');
	await page.goto('/settings/credits');
	expect(await balance(page)).toBe(welcomeBonus);
	await expect(page.getByText('Awaiting payment')).toBeVisible();
});

test('cancelling checkout comes back to a calm notice', async ({ page }) => {
	await openStandardCheckout(page);
	await page.getByRole('button', { name: 'Cancel' }).click();
	await expect(page).toHaveURL(/\/settings\/credits\?checkout=cancelled$/);
	await expect(page.getByText('Checkout was cancelled. You were not charged')).toBeVisible();
	expect(await balance(page)).toBe(welcomeBonus);
});

test('a delayed payment shows processing, then credits once the bank confirms', async ({
	page,
	request
}) => {
	await openStandardCheckout(page);
	await payWith(page, '4242424242424242', { delayed: true });
	await expect(page.getByRole('heading', { name: 'Payment processing' })).toBeVisible();
	await expect(page.getByTestId('balance')).toHaveText(`${welcomeBonus} credits`);

	const sessionId = new URL(page.url()).searchParams.get('session_id');
	const settled = await request.post(
		`${emulator}/_emulator/checkout/sessions/${sessionId}/async_payment`,
		{ data: { result: 'succeeded' } }
	);
	expect(settled.ok()).toBe(true);
	await expect(async () => {
		await page.goto('/settings/credits');
		expect(await balance(page)).toBe(welcomeBonus + 500);
	}).toPass({ timeout: 10_000 });
});

test('an unknown package gets a clear message and no checkout', async ({ page }) => {
	await signUp(page);
	const response = await page.request.post('/settings/credits?/buy', {
		form: { packageId: 'platinum' },
		headers: {
			origin: new URL(page.url()).origin,
			accept: 'application/json',
			'x-sveltekit-action': 'true'
		}
	});
	const body = await response.json();
	expect(body.type).toBe('failure');
	expect(body.status).toBe(400);
	expect(body.data).toContain('That package is not on sale');
});

test('buying again returns to the open checkout, and an 11th new checkout in 10 minutes is refused', async ({
	page
}) => {
	await signUp(page);
	const buy = async () => {
		const response = await page.request.post('/settings/credits?/buy', {
			form: { packageId: 'standard' },
			headers: {
				origin: new URL(page.url()).origin,
				accept: 'application/json',
				'x-sveltekit-action': 'true'
			}
		});
		return (await response.json()) as { type: string; status: number; location?: string };
	};
	const expire = async (location: string) => {
		const sessionId = /cs_\w+/.exec(location)?.[0];
		expect(
			(
				await page.request.post(`${emulator}/_emulator/checkout/sessions/${sessionId}/expire`, {
					data: {}
				})
			).ok()
		).toBe(true);
	};

	const first = await buy();
	expect(first).toMatchObject({
		type: 'redirect',
		status: 303,
		location: expect.stringContaining(`${emulator}/`)
	});
	expect(await buy()).toEqual(first);

	let location = first.location!;
	for (let opened = 1; opened < 10; opened++) {
		await expire(location);
		const next = await buy();
		expect(next.location).not.toBe(location);
		location = next.location!;
	}
	await expire(location);
	expect(await buy()).toMatchObject({ type: 'failure', status: 429 });

	await page.goto('/settings/credits');
	await page.getByRole('button', { name: 'Buy Standard' }).click();
	await expect(
		page.getByText('You have opened 10 checkouts in the last 10 minutes. Try again in 10 minutes.')
	).toBeVisible();
	await expect(page).toHaveURL(/\/settings\/credits$/);
});
