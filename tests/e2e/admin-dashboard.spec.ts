import { expect, test, type Page } from '@playwright/test';
import { e2eEmulatorPort } from '../../playwright.config';
import { signInAsListedAdmin, signOut, signUp } from './helpers';
import { firstE2e, queryE2e } from './e2e-db';
import { e2eStripeKey, rawRequest, signUpRaw } from './raw-http';

const emulator = `http://127.0.0.1:${e2eEmulatorPort}`;

// One after another: the refused requests below must find the synced prices as the sync test left them.
test.describe.configure({ mode: 'serial' });
const number = (text: string) => Number(text.replace(/[^\d.-]/g, ''));

async function figure(page: Page, label: string) {
	const term = page.getByRole('term').filter({ hasText: new RegExp(`^${label}$`) });
	return number(await term.locator('xpath=following-sibling::dd[1]').innerText());
}

async function usdGross(page: Page) {
	const row = page.getByRole('region', { name: 'Revenue per currency' }).getByRole('row', {
		name: /^USD/
	});
	return (await row.count()) === 0 ? 0 : number(await row.getByRole('cell').nth(1).innerText());
}

async function buyStandard(page: Page) {
	await signUp(page);
	await page.getByRole('button', { name: 'Buy Standard' }).click();
	await expect(page).toHaveURL(new RegExp(`^${emulator}/`));
	await page.getByLabel('Card number').fill('4242424242424242');
	await page.getByRole('button', { name: 'Pay' }).click();
	await expect(page.getByRole('heading', { name: '500 credits added' })).toBeVisible();
	await signOut(page);
}

test('the dashboard counts a purchase made through the emulator, with charts for 30 or 90 days', async ({
	page
}) => {
	// Four sign-ins and a checkout, each sign-in an argon2 verification on a shared two-core machine.
	test.setTimeout(90_000);
	await signInAsListedAdmin(page);
	await page.goto('/admin');
	const soldBefore = await figure(page, 'Sold');
	const grossBefore = await usdGross(page);
	await signOut(page);

	await buyStandard(page);

	await signInAsListedAdmin(page);
	await page.goto('/admin');
	await expect(page.getByRole('heading', { name: 'Admin', level: 1 })).toBeVisible();
	// Other specs buy at the same time, so the figures grow by at least this purchase.
	expect(await figure(page, 'Sold')).toBeGreaterThanOrEqual(soldBefore + 500);
	expect(await usdGross(page)).toBeGreaterThanOrEqual(grossBefore + 39.99);
	expect(await figure(page, 'Outstanding')).toBeGreaterThanOrEqual(500);

	const revenue = page.getByRole('figure', { name: /Revenue per day \(USD\), last 30 days/ });
	await expect(revenue.locator('svg .lc-bar').first()).toBeAttached();
	await revenue.getByText('the numbers').click();
	const days = revenue.getByRole('region', { name: /per day$/ }).locator('tbody tr');
	await expect(days).toHaveCount(30);
	expect(number(await days.last().getByRole('cell').nth(1).innerText())).toBeGreaterThanOrEqual(
		39.99
	);
	const credits = page.getByRole('figure', {
		name: 'Credits sold and spent per day, last 30 days'
	});
	await credits.getByText('the numbers').click();
	const today = credits.getByRole('region').locator('tbody tr').last();
	expect(number(await today.getByRole('cell').nth(1).innerText())).toBeGreaterThanOrEqual(500);

	await page.getByRole('link', { name: '90 days' }).click();
	await expect(page).toHaveURL(/\?days=90$/);
	await expect(page.getByRole('link', { name: '90 days' })).toHaveAttribute('aria-current', 'page');
	await page
		.getByRole('figure', { name: /Revenue per day \(USD\), last 90 days/ })
		.getByText('the numbers')
		.click();
	await expect(
		page.getByRole('figure', { name: /Revenue per day \(USD\), last 90 days/ }).locator('tbody tr')
	).toHaveCount(90);

	for (const days of ['7', 'abc', '90.5']) {
		const response = await page.goto(`/admin?days=${days}`);
		expect(response?.status(), days).toBe(200);
		await expect(page.getByRole('link', { name: '30 days' })).toHaveAttribute(
			'aria-current',
			'page'
		);
	}

	await page.goto('/admin');
	for (const colorScheme of ['light', 'dark'] as const) {
		await page.emulateMedia({ colorScheme });
		for (const width of [1280, 360]) {
			await page.setViewportSize({ width, height: 900 });
			// Wide tables scroll inside themselves: the page itself never scrolls sideways, once the
			// charts have redrawn for the new width (their ResizeObserver runs after the resize).
			await expect
				.poll(() => page.evaluate(() => document.documentElement.scrollWidth))
				.toBeLessThanOrEqual(width);
			await page.screenshot({
				path: `test-results/admin-dashboard-${colorScheme}-${width}.png`,
				fullPage: true
			});
		}
	}
});

async function latestSync() {
	const [row] = await queryE2e<{ actorEmail: string; outcome: string; detail: string }>(
		`select actor_email as "actorEmail", outcome, detail from audit_log where action = 'sync' order by id desc limit 1`
	);
	return row;
}

test('the packages page shows the catalogue beside Stripe and syncs after a preview', async ({
	page,
	request
}) => {
	// Archive Enterprise's price in the emulator (no spec buys Enterprise), so the sync has work to do.
	const priceId = await firstE2e<string>(
		"select price_id from stripe_prices where package_id = 'enterprise'"
	);
	const archived = await request.post(`${emulator}/v1/prices/${priceId}`, {
		headers: { authorization: `Bearer ${e2eStripeKey()}` },
		form: { active: 'false' }
	});
	expect(archived.ok()).toBe(true);

	await signInAsListedAdmin(page);
	await page.goto('/admin/packages');
	await expect(page.getByRole('heading', { name: 'Packages', level: 1 })).toBeVisible();
	const enterprise = page.getByRole('row', { name: 'Package enterprise' });
	await expect(enterprise).toContainText('$249.99');
	await expect(enterprise).toContainText('credits_enterprise');
	await expect(enterprise).toContainText(priceId);
	await expect(page.getByRole('row', { name: 'Package standard' })).toContainText('In sync');

	const before = await latestSync();
	await page.getByRole('button', { name: 'Preview sync' }).click();
	await expect(page.getByRole('list', { name: 'Planned changes' })).toContainText(
		`would reactivate price ${priceId} of enterprise`
	);
	expect(await latestSync()).toEqual(before);
	expect(
		(
			await (
				await request.get(`${emulator}/v1/prices/${priceId}`, {
					headers: { authorization: `Bearer ${e2eStripeKey()}` }
				})
			).json()
		).active
	).toBe(false);

	await page.getByRole('button', { name: 'Apply' }).click();
	await expect(page.getByText('Applied 1 change.')).toBeVisible();
	expect(await latestSync()).toMatchObject({
		actorEmail: 'admin@e2e.test',
		outcome: 'ok',
		detail: `reactivate price ${priceId} of enterprise ($249.99 for 5000 credits)`
	});
	await expect(enterprise).toContainText('In sync');

	for (const colorScheme of ['light', 'dark'] as const) {
		await page.emulateMedia({ colorScheme });
		for (const width of [1280, 360]) {
			await page.setViewportSize({ width, height: 900 });
			// Wide tables scroll inside themselves: the page itself never scrolls sideways, once the
			// charts have redrawn for the new width (their ResizeObserver runs after the resize).
			await expect
				.poll(() => page.evaluate(() => document.documentElement.scrollWidth))
				.toBeLessThanOrEqual(width);
			await page.screenshot({
				path: `test-results/admin-packages-${colorScheme}-${width}.png`,
				fullPage: true
			});
		}
	}
});

const origin = (baseURL: string) => new URL(baseURL).origin;
const requests: { method: string; path: string; form?: Record<string, string> }[] = [
	{ method: 'GET', path: '/admin' },
	{ method: 'GET', path: '/admin?days=90' },
	{ method: 'GET', path: '/admin/__data.json' },
	{
		method: 'POST',
		path: '/admin?/resolveMismatch',
		form: { decision: 'credit', reason: 'probe' }
	},
	{ method: 'GET', path: '/admin/packages' },
	{ method: 'GET', path: '/admin/packages/__data.json' },
	{ method: 'POST', path: '/admin/packages?/sync', form: { confirm: 'yes' } },
	{ method: 'POST', path: '/admin/packages?/sync', form: {} },
	{ method: 'POST', path: '/admin/events?/reconcile', form: {} }
];

/**
 * What a refused request could have written: audit rows by anyone but an admin (or `npm run
 * api-key:create`, which other specs run meanwhile), and the synced prices.
 */
async function writable() {
	return {
		auditByNonAdmins: await firstE2e(
			`select count(*) from audit_log left join users on users.id = audit_log.actor_id
			where (users.role is null or users.role <> 'admin') and audit_log.actor_id <> 'cli'`
		),
		prices: await queryE2e('select price_id, synced_at from stripe_prices order by package_id')
	};
}

for (const who of ['signed out', 'a signed-in user'] as const) {
	test(`the dashboard and packages pages, their data and actions answer 404 to ${who} and change nothing`, async ({
		baseURL
	}) => {
		const cookie = who === 'signed out' ? undefined : (await signUpRaw(baseURL!)).cookie;
		const before = await writable();
		for (const { method, path, form } of requests) {
			const mismatched = await firstE2e<string>(
				"select id from purchases where status = 'mismatch' limit 1"
			);
			const response = await rawRequest(baseURL!, {
				method,
				path,
				headers: {
					origin: origin(baseURL!),
					accept: 'text/html',
					...(form && { 'content-type': 'application/x-www-form-urlencoded' }),
					...(cookie && { cookie })
				},
				body: form && new URLSearchParams({ purchaseId: mismatched ?? 'none', ...form }).toString()
			});
			expect(response.status, `${method} ${path}`).toBe(404);
			expect(response.body, `${method} ${path}`).not.toContain('credits_enterprise');
		}
		expect(await writable()).toEqual({ ...before, auditByNonAdmins: 0 });
	});
}
