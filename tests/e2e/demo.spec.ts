import { expect, test } from '@playwright/test';
import { signUp } from './helpers';
import { queryE2e, userIdOf, writeE2eLedger } from './e2e-db';

const welcomeBonus = 50;

test('a haiku holds 5 credits, captures its real cost and shows in the history', async ({
	page
}) => {
	const email = await signUp(page);
	await page.goto('/demo');
	await expect(page.getByTestId('demo-available')).toHaveText(`${welcomeBonus} credits`);

	// Three words: 2 + 3 = 5 credits; one word: 3 credits.
	await page.getByLabel('Topic').fill('autumn');
	await page.getByRole('button', { name: 'Generate a haiku (5 credits)' }).click();
	const haiku = page.getByRole('figure', { name: 'Your haiku' });
	await expect(haiku).toContainText('autumn');
	await expect(haiku).toContainText(`Cost 3 credits; ${welcomeBonus - 3} left.`);
	await expect(page.getByTestId('demo-available')).toHaveText(`${welcomeBonus - 3} credits`);

	const codes = await queryE2e<{ code: string; amount: number; actor: string }>(
		`select code, amount, actor from transfers join accounts on accounts.id = transfers.user_account_id
		 where accounts.user_id = ? and code <> 'grant' order by transfers.id`,
		await userIdOf(email)
	);
	expect(codes).toEqual([
		{ code: 'hold', amount: 5, actor: 'app:demo' },
		{ code: 'release', amount: 2, actor: 'app:demo' },
		{ code: 'capture', amount: 3, actor: 'app:demo' }
	]);

	await haiku.getByRole('link', { name: 'See it in your history' }).click();
	await expect(page.getByRole('main')).toContainText('Haiku about “autumn”');
});

test('with too few credits the haiku is refused, nothing is taken and the packages are offered', async ({
	page
}) => {
	const email = await signUp(page);
	const userId = await userIdOf(email);
	await writeE2eLedger((ledger) =>
		ledger.spend({
			userId,
			amount: welcomeBonus - 2,
			reason: 'spent elsewhere',
			actor: 'system:e2e',
			idempotencyKey: `e2e-demo-${email}`
		})
	);
	await page.goto('/demo');
	await expect(page.getByRole('heading', { name: 'Not enough credits' })).toBeVisible();
	await page.getByLabel('Topic').fill('spring');
	await page.getByRole('button', { name: 'Generate a haiku (5 credits)' }).click();
	await expect(page.getByRole('alert')).toContainText(/credits/i);
	await expect(page.getByTestId('demo-available')).toHaveText('2 credits');
	await expect(page.getByRole('button', { name: /^Buy/ }).first()).toBeVisible();
});

test('signed out, /demo sends you to sign in; an empty topic is refused next to its field', async ({
	page
}) => {
	await page.goto('/demo');
	await expect(page).toHaveURL(/\/login\?redirectTo=%2Fdemo/);
	await signUp(page);
	await page.goto('/demo');
	await page.getByLabel('Topic').fill('   ');
	await page.getByRole('button', { name: 'Generate a haiku (5 credits)' }).click();
	await expect(page.getByText('Give the haiku a topic.')).toBeVisible();
	await expect(page.getByTestId('demo-available')).toHaveText(`${welcomeBonus} credits`);
});
