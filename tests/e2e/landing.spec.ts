import { expect, test } from '@playwright/test';
import { e2eEmulatorPort } from '../../playwright.config';
import { signUp } from './helpers';

const emulator = `http://127.0.0.1:${e2eEmulatorPort}`;
const prices = [
	['Basic', '100', '$9.99', '$9.99 per 100 credits'],
	['Standard', '500', '$39.99', '$8.00 per 100 credits'],
	['Premium', '1,200', '$79.99', '$6.67 per 100 credits'],
	['Enterprise', '5,000', '$249.99', '$5.00 per 100 credits']
];

test('signed out, the landing page says what the product does and prices every package with a sign-up', async ({
	page
}) => {
	await page.goto('/');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(
		'Prepaid credits, paid through Stripe'
	);
	await expect(page.getByRole('heading', { name: 'Every credit accounted for' })).toBeVisible();
	const pricing = page.getByRole('region', { name: 'Pricing' });
	await expect(pricing).toContainText('New accounts start with 50 free credits');
	for (const [name, credits, price, per100] of prices) {
		const card = pricing.getByRole('article', { name });
		await expect(card).toContainText(`${credits} credits`);
		await expect(card.getByTestId('price')).toHaveText(price);
		await expect(card).toContainText(per100);
		await expect(card.getByRole('link', { name: `Sign up to buy ${name}` })).toBeVisible();
	}
	await expect(pricing.getByText('Most popular')).toHaveCount(1);
	await expect(pricing.getByRole('article', { name: 'Standard' })).toContainText('Most popular');
	await expect(pricing.getByRole('button', { name: /^Buy/ })).toHaveCount(0);

	await pricing.getByRole('link', { name: 'Sign up to buy Standard' }).click();
	await expect(page).toHaveURL(/\/signup$/);
	await expect(page.getByRole('heading', { name: 'Create your account' })).toBeVisible();
});

test('signed in, Buy on the landing page goes straight to the hosted checkout', async ({
	page
}) => {
	await signUp(page);
	await page.goto('/');
	const pricing = page.getByRole('region', { name: 'Pricing' });
	await expect(pricing.getByRole('link', { name: /^Sign up/ })).toHaveCount(0);
	await pricing.getByRole('button', { name: 'Buy Enterprise' }).click();
	await expect(page).toHaveURL(new RegExp(`^${emulator}/`));
	await expect(page.getByRole('heading', { name: 'Pay Credits' })).toBeVisible();
	await expect(page.getByText('$249.99').first()).toBeVisible();
});
