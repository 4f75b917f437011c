import { expect, test } from '@playwright/test';
import { api } from './credits-api';
import { screenshots, signInAsListedAdmin } from './helpers';
import { firstE2e, queryE2e } from './e2e-db';
import { rawRequest, signUpRaw } from './raw-http';

const auditOf = (target: string) =>
	queryE2e<{ action: string; outcome: string }>(
		'select action, outcome from audit_log where target = ? order by id',
		target
	);

test('an admin makes a key, sees its secret once, and revokes it: the key is refused at once', async ({
	page,
	baseURL
}) => {
	test.setTimeout(90_000);
	const name = `e2e key ${Date.now()}`;
	await signInAsListedAdmin(page);
	await page.goto('/admin');
	await page
		.getByRole('navigation', { name: 'Admin' })
		.getByRole('link', { name: 'API keys' })
		.click();
	await expect(page.getByRole('heading', { name: 'API keys' })).toBeVisible();
	await page.getByLabel('Name').fill(name);
	await page.getByRole('button', { name: 'Create key' }).click();
	const key = (await page.getByTestId('new-api-key').textContent())!.trim();
	expect(key).toMatch(/^ck_[a-z2-7]{16}_[a-z2-7]{24}$/);
	await screenshots(page, 'admin-api-key-created');

	const { userId } = await signUpRaw(baseURL!);
	const balance = () => api(baseURL!, { path: `/api/v1/balance?user_id=${userId}`, key });
	expect((await balance()).status).toBe(200);

	await page.reload();
	await expect(page.getByTestId('new-api-key')).toHaveCount(0);
	expect(await page.content()).not.toContain(key);
	const row = page.getByRole('row', { name: new RegExp(name) });
	await expect(row).toContainText(key.slice(0, 19));
	await expect(row).toContainText('Active');
	await expect(row).not.toContainText('Never');

	await row.getByRole('button', { name: 'Revoke' }).click();
	await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke' }).click();
	await expect(page.getByText(/it is refused from now on/)).toBeVisible();
	await expect(row).not.toContainText('Active');
	await expect(row.getByRole('button', { name: 'Revoke' })).toHaveCount(0);
	const refused = await balance();
	expect(refused.status).toBe(401);
	expect(refused.json.error.code).toBe('unauthorized');
	await screenshots(page, 'admin-api-keys');
	await page.setViewportSize({ width: 360, height: 900 });
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
	await page.setViewportSize({ width: 1280, height: 900 });

	const id = await firstE2e<number>('select id from api_keys where name = ?', name);
	expect(await auditOf(`api_key:${id}`)).toEqual([
		{ action: 'api_key_create', outcome: 'ok' },
		{ action: 'api_key_revoke', outcome: 'ok' }
	]);
});

test('a key without a name is refused next to the field, and none is made', async ({ page }) => {
	await signInAsListedAdmin(page);
	await page.goto('/admin/api-keys');
	// Other specs make keys meanwhile: count only what this refusal could have made.
	const blankKeys = () => firstE2e("select count(*) from api_keys where trim(name) = ''");
	expect(await blankKeys()).toBe(0);
	await page.getByLabel('Name').fill('   ');
	await page.getByRole('button', { name: 'Create key' }).click();
	await expect(page.getByText('Name the key, e.g. the service that will use it.')).toBeVisible();
	expect(await blankKeys()).toBe(0);
});

test('the API docs page shows every endpoint with curl, the error table, and is linked from the footer', async ({
	page
}) => {
	test.setTimeout(60_000);
	await page.goto('/');
	await page.getByRole('contentinfo').getByRole('link', { name: 'HTTP API' }).click();
	await expect(page.getByRole('heading', { name: 'HTTP API', level: 1 })).toBeVisible();
	const curls = page.locator('pre code');
	await expect(curls).toHaveCount(11);
	await expect(curls.first()).toContainText('curl "http://127.0.0.1:');
	await expect(page.getByRole('region', { name: 'Error codes' })).toContainText('hold_not_pending');
	await screenshots(page, 'docs-api');
	for (const width of [360, 1280]) {
		await page.setViewportSize({ width, height: 900 });
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
			width
		);
	}
	const openapi = await rawRequest(new URL(page.url()).origin, { path: '/api/v1/openapi.json' });
	expect(JSON.parse(openapi.body).openapi).toBe('3.1.0');
});
