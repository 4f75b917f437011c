import { expect, test, type Page } from '@playwright/test';
import { signUp, uniqueEmail } from './helpers';

const widths = [360, 1280];
const themes = ['light', 'dark'] as const;

async function overflow(page: Page) {
	return page.evaluate(() => ({
		scrollWidth: document.documentElement.scrollWidth,
		innerWidth: window.innerWidth
	}));
}

/** Every page fits its width; a route not built yet (404) is left out. */
async function expectNoSidewaysScroll(page: Page, paths: string[]) {
	for (const width of widths) {
		await page.setViewportSize({ width, height: 800 });
		for (const path of paths) {
			const response = await page.goto(path);
			if (response?.status() === 404 && path === '/settings/credits/history') continue;
			expect(response?.ok(), path).toBe(true);
			const { scrollWidth, innerWidth } = await overflow(page);
			expect(scrollWidth, `${path} at ${width} px`).toBeLessThanOrEqual(innerWidth);
		}
	}
}

test('signed-out pages never scroll sideways at 360 px or 1280 px', async ({ page }) => {
	await expectNoSidewaysScroll(page, ['/', '/login', '/signup']);
});

test('signed-in pages never scroll sideways at 360 px or 1280 px', async ({ page }) => {
	await signUp(page);
	await expectNoSidewaysScroll(page, ['/', '/settings/credits', '/settings/credits/history']);
});

test('the theme follows the system until chosen, and the choice survives a reload', async ({
	page
}) => {
	const html = page.locator('html');
	await page.emulateMedia({ colorScheme: 'dark' });
	await page.goto('/');
	await expect(html).not.toHaveClass(/\b(dark|light)\b/);
	const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
	const dark = await background();
	await page.emulateMedia({ colorScheme: 'light' });
	const light = await background();
	expect(dark).not.toBe(light);

	await page.getByRole('button', { name: 'Theme: System' }).click();
	await page.getByRole('menuitemradio', { name: 'Dark' }).click();
	await expect(html).toHaveClass('dark');
	expect(await background()).toBe(dark);

	await page.reload();
	await expect(html).toHaveClass('dark');
	await expect(page.getByRole('button', { name: 'Theme: Dark' })).toBeVisible();
	// The class is in the HTML the server sends, so the first paint is already dark.
	expect(await (await page.request.get('/login')).text()).toMatch(/<html lang="en" class="dark">/);

	await page.getByRole('button', { name: 'Theme: Dark' }).click();
	await page.getByRole('menuitemradio', { name: 'System' }).click();
	await expect(html).not.toHaveClass(/\b(dark|light)\b/);
	expect(await background()).toBe(light);
});

test('a stored dark theme paints dark with no script at all, so it cannot flash', async ({
	browser,
	baseURL
}) => {
	const context = await browser.newContext({ javaScriptEnabled: false, colorScheme: 'light' });
	await context.addCookies([{ name: 'theme', value: 'dark', url: baseURL! }]);
	const page = await context.newPage();
	await page.goto('/');
	await expect(page.locator('html')).toHaveClass('dark');
	expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(
		'oklch(0.141 0.005 285.823)'
	);
	await context.close();
});

test('the theme menu works from the keyboard, with a visible focus ring', async ({ page }) => {
	await page.goto('/');
	const trigger = page.getByRole('button', { name: /^Theme:/ });
	for (
		let tab = 0;
		tab < 10 && !(await trigger.evaluate((el) => el === document.activeElement));
		tab++
	)
		await page.keyboard.press('Tab');
	await expect(trigger).toBeFocused();
	expect(await trigger.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('solid');
	await page.keyboard.press('Enter');
	await expect(page.getByRole('menu')).toBeVisible();
	await expect(page.getByRole('menuitemradio', { name: 'Light' })).toBeFocused();
	await page.keyboard.press('ArrowDown');
	await expect(page.getByRole('menuitemradio', { name: 'Dark' })).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(page.locator('html')).toHaveClass('dark');
	await expect(trigger).toHaveAccessibleName('Theme: Dark');
});

async function screenshots(page: Page, name: string) {
	for (const theme of themes) {
		await page.context().addCookies([{ name: 'theme', value: theme, url: page.url() }]);
		for (const width of widths) {
			await page.setViewportSize({ width, height: 900 });
			await page.reload();
			await page.screenshot({
				path: `test-results/screenshots/${name}-${width}-${theme}.png`,
				fullPage: true
			});
		}
	}
}

test('full-page screenshots of the landing page in both themes, signed out', async ({ page }) => {
	test.slow();
	await page.goto('/');
	await screenshots(page, 'landing-signed-out');
});

test('full-page screenshots of the credits and landing pages in both themes, signed in', async ({
	page
}) => {
	test.slow();
	await signUp(page, uniqueEmail('ada'));
	await screenshots(page, 'credits');
	await page.goto('/');
	await screenshots(page, 'landing-signed-in');
});
