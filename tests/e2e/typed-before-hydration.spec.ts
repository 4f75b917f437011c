import { expect, test } from '@playwright/test';
import { signInAsListedAdmin } from './helpers';

// The app's scripts are held back until the fields are typed into, as on a slow connection.
test('what someone types before the page has hydrated is still there afterwards, and is what gets sent', async ({
	page
}) => {
	await signInAsListedAdmin(page);
	let release!: () => void;
	const loaded = new Promise<void>((resolve) => (release = resolve));
	await page.route('**/_app/immutable/**', async (route) => {
		await loaded;
		await route.continue();
	});

	await page.goto('/admin/users?q=nobody-has-this', { waitUntil: 'commit' });
	const search = page.getByRole('searchbox', { name: 'Email' });
	await expect(search).toHaveValue('nobody-has-this');
	await search.fill('admin@e2e');
	release();
	await page.waitForLoadState('networkidle');
	await expect(search).toHaveValue('admin@e2e');

	await page.getByRole('button', { name: 'Search' }).click();
	await expect(page).toHaveURL(/q=admin%40e2e/);
	await expect(page.getByRole('link', { name: 'admin@e2e.test', exact: true })).toBeVisible();
});
