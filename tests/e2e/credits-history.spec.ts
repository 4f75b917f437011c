import { expect, test, type Page } from '@playwright/test';
import { parseCsv } from '../../src/lib/server/admin/csv';
import { firstE2e, queryE2e, writeE2eLedger } from './e2e-db';
import { rawRequest, signUpRaw } from './raw-http';

const tricky = 'Goodwill, for the "outage"\nand the wait';

/**
 * Writes a history into the e2e database as the host app and admins would, on fixed past days:
 * an adjustment whose reason needs quoting, 30 spends, a hold and its release (34 transfers with the
 * welcome gift).
 */
function seedHistory(userId: string, tag: string) {
	const clock = { now: Date.parse('2024-03-01T10:00:00Z') };
	const key = (name: string) => `e2e-history-${userId}-${name}`;
	const common = { userId, actor: 'system:e2e' };
	return writeE2eLedger(
		async (ledger) => {
			await ledger.grant({
				...common,
				amount: 1000,
				category: 'paid',
				reason: tricky,
				idempotencyKey: key('grant')
			});
			clock.now = Date.parse('2024-03-05T09:00:00Z');
			for (let i = 1; i <= 30; i++) {
				clock.now += 60_000;
				await ledger.spend({
					...common,
					amount: i,
					reason: `${tag} spend ${i}`,
					idempotencyKey: key(`spend-${i}`)
				});
			}
			clock.now = Date.parse('2024-04-01T12:00:00Z');
			const hold = await ledger.hold({
				...common,
				amount: 40,
				expiresAt: new Date(clock.now + 3_600_000),
				idempotencyKey: key('hold')
			});
			if (!hold.ok) throw new Error(hold.error.message);
			clock.now += 60_000;
			await ledger.release({
				holdId: hold.holdId,
				actor: 'system:e2e',
				idempotencyKey: key('release')
			});
		},
		{ now: () => new Date(clock.now) }
	);
}

const balanceOf = (userId: string) =>
	firstE2e<number>('select credits_posted - debits_posted from accounts where user_id = ?', userId);

async function signedInAs(page: Page, baseURL: string, cookie: string) {
	const [name, value] = cookie.split('=');
	await page.context().addCookies([{ name, value, url: baseURL }]);
}

async function screenshots(page: Page, name: string) {
	for (const colorScheme of ['light', 'dark'] as const) {
		await page.emulateMedia({ colorScheme });
		for (const width of [360, 1280]) {
			await page.setViewportSize({ width, height: 900 });
			const overflow = await page.evaluate(
				() => document.documentElement.scrollWidth - document.documentElement.clientWidth
			);
			expect(overflow, `${name} at ${width}px scrolls sideways`).toBeLessThanOrEqual(0);
			await page.screenshot({
				path: `test-results/screenshots/${name}-${width}-${colorScheme}.png`,
				fullPage: true
			});
		}
	}
	await page.emulateMedia({ colorScheme: 'light' });
	await page.setViewportSize({ width: 1280, height: 900 });
}

test('the history names each transfer, filters by type and dates, and pages both ways with the back button', async ({
	page,
	baseURL
}) => {
	test.slow(); // four full-page screenshots
	const user = await signUpRaw(baseURL!);
	await seedHistory(user.userId, 'ann');
	await signedInAs(page, baseURL!, user.cookie);

	await page.goto('/settings/credits');
	const recent = page.getByRole('region', { name: 'Recent activity', exact: true });
	await expect(recent.locator('tbody tr')).toHaveCount(5);
	await expect(recent.locator('tbody tr').first()).toContainText('Release');
	await recent.getByRole('link', { name: 'View full history' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Transaction history' })).toBeVisible();

	const rows = page.getByRole('region', { name: 'Transfers', exact: true }).locator('tbody tr');
	await expect(rows).toHaveCount(25);
	await expect(rows.first()).toContainText(/Release\s*40 freed/);
	await expect(rows.nth(1)).toContainText(/Hold\s*40 on hold/);
	await expect(rows.nth(2)).toContainText(/Spend\s*-30/);
	await screenshots(page, 'credits-history');

	await page.getByRole('link', { name: 'Older' }).click();
	await expect(page).toHaveURL(/before=\d+/);
	await expect(rows).toHaveCount(9);
	await expect(rows.nth(7)).toContainText(/Adjustment\s*\+1,000/);
	await expect(rows.last()).toContainText('Welcome gift');
	await page.getByRole('link', { name: 'Newer' }).click();
	await expect(page).toHaveURL(/after=\d+/);
	await expect(rows).toHaveCount(25);
	await expect(rows.first()).toContainText('Release');
	await expect(page.getByText('Newer', { exact: true })).toHaveAttribute('aria-disabled', 'true');
	await page.goBack();
	await expect(page).toHaveURL(/before=\d+/);
	await expect(rows.last()).toContainText('Welcome gift');
	await page.goBack();
	await expect(page).toHaveURL(/\/history$/);
	await expect(rows.first()).toContainText('Release');

	await page.getByLabel('Type').selectOption({ label: 'Spend' });
	await page.getByRole('button', { name: 'Filter' }).click();
	await expect(page).toHaveURL(/type=spend/);
	await expect(rows).toHaveCount(25);
	await expect(rows.filter({ hasNotText: 'Spend' })).toHaveCount(0);
	await page.getByRole('link', { name: 'Older' }).click();
	await expect(page).toHaveURL(/type=spend.*before=\d+|before=\d+.*type=spend/);
	await expect(rows).toHaveCount(5);
	await expect(rows.last()).toContainText('ann spend 1');
	await page.getByRole('link', { name: 'Newer' }).click();
	await expect(rows).toHaveCount(25);
	await expect(rows.first()).toContainText('ann spend 30');
	await expect(page.getByRole('link', { name: 'Download CSV' })).toHaveAttribute(
		'href',
		'/settings/credits/transactions.csv?type=spend'
	);

	await page.getByLabel('Type').selectOption({ label: 'All types' });
	await page.getByLabel('From').fill('2024-03-01');
	await page.getByLabel('To').fill('2024-03-01');
	await page.getByRole('button', { name: 'Filter' }).click();
	await expect(page).toHaveURL(/from=2024-03-01&to=2024-03-01/);
	await expect(rows).toHaveCount(1);
	await expect(rows.first()).toContainText('Goodwill, for the "outage"');
	await page.getByLabel('From').fill('2024-04-01');
	await page.getByLabel('To').fill('2024-04-30');
	await page.getByRole('button', { name: 'Filter' }).click();
	await expect(rows).toHaveCount(2);

	await page.goto('/settings/credits/history?type=refund');
	await expect(page.getByText('No transfers match these filters')).toBeVisible();
	await page
		.locator('[data-slot="empty-state"]')
		.getByRole('link', { name: 'clear filters' })
		.click();
	await expect(page).toHaveURL(/\/history$/);
	await expect(rows).toHaveCount(25);
});

test('the CSV holds every own transfer, quoted as RFC 4180, and its credits sum to the balance', async ({
	page,
	baseURL
}) => {
	const [ann, bob] = [await signUpRaw(baseURL!), await signUpRaw(baseURL!)];
	await seedHistory(ann.userId, 'ann');
	await seedHistory(bob.userId, 'bob');
	await signedInAs(page, baseURL!, ann.cookie);

	const response = await page.request.get('/settings/credits/transactions.csv');
	expect(response.status()).toBe(200);
	expect(response.headers()['content-type']).toBe('text/csv; charset=utf-8');
	expect(response.headers()['content-disposition']).toContain('attachment');
	const text = await response.text();
	expect(text).toContain(`,"Goodwill, for the ""outage""\nand the wait",`);
	const [header, ...records] = parseCsv(text.replace(/\r\n$/, ''));
	expect(header.fields.join(',')).toBe('date,type,credits,balance_after,description,reference');
	expect(records).toHaveLength(34);
	expect(records.every((record) => record.error === null && record.fields.length === 6)).toBe(true);
	expect(
		records.every((record) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(record.fields[0]))
	).toBe(true);
	expect(records.find((record) => record.fields[1] === 'adjustment')?.fields[4]).toBe(tricky);
	expect(records.at(-1)?.fields[1]).toBe('welcome_gift');
	const sum = records.reduce((total, record) => total + Number(record.fields[2]), 0);
	expect(sum).toBe(await balanceOf(ann.userId));
	expect(Number(records[0].fields[3])).toBe(await balanceOf(ann.userId));
	expect(text).not.toContain('bob spend');

	const spends = await page.request.get(
		'/settings/credits/transactions.csv?type=spend&from=2024-03-05&to=2024-03-05'
	);
	const spendRecords = parseCsv((await spends.text()).replace(/\r\n$/, '')).slice(1);
	expect(spendRecords).toHaveLength(30);
	expect(spendRecords.every((record) => record.fields[1] === 'spend')).toBe(true);
});

test("a user's history and CSV never show another user's transfers, whatever the cursor", async ({
	baseURL
}) => {
	const [ann, bob] = [await signUpRaw(baseURL!), await signUpRaw(baseURL!)];
	await seedHistory(ann.userId, 'ann');
	await seedHistory(bob.userId, 'bob');
	const annIds = (
		await queryE2e<{ id: number }>(
			'select t.id from transfers t join accounts a on a.id = t.user_account_id where a.user_id = ? order by t.id',
			ann.userId
		)
	).map((row) => row.id);
	const asBob = (path: string) => rawRequest(baseURL!, { path, headers: { cookie: bob.cookie } });
	for (const path of [
		'/settings/credits/history',
		`/settings/credits/history?before=${annIds.at(-1)! + 1}`,
		`/settings/credits/history?after=${annIds[0] - 1}`,
		`/settings/credits/history?type=spend&before=${annIds[10]}`,
		'/settings/credits/transactions.csv',
		'/settings/credits',
		`/settings/credits/transactions.csv?after=${annIds[0]}`
	]) {
		const response = await asBob(path);
		expect(response.status, path).toBe(200);
		expect(response.body, path).not.toContain('ann spend');
	}
	expect((await asBob('/settings/credits/history')).body).toContain('bob spend 30');
});

test('bad query values answer 400 with a message and never a 500', async ({ baseURL }) => {
	const user = await signUpRaw(baseURL!);
	for (const path of ['/settings/credits/history', '/settings/credits/transactions.csv']) {
		for (const [query, message] of [
			['type=gift', 'Choose a transfer type from the list.'],
			['type=grant', 'Choose a transfer type from the list.'],
			['from=yesterday', 'Use a date like'],
			['to=2030-02-30', 'Use a date like'],
			['from=2030-02-01&to=2030-01-01', 'comes before'],
			['before=abc', 'That page link is broken'],
			['after=0', 'That page link is broken'],
			['before=3&after=5', 'either before or after'],
			['before=99999999999999999', 'That page link is broken']
		]) {
			const response = await rawRequest(baseURL!, {
				path: `${path}?${query}`,
				headers: { cookie: user.cookie, accept: 'text/html' }
			});
			expect(response.status, `${path}?${query}`).toBe(400);
			expect(response.body, `${path}?${query}`).toContain(message);
		}
	}
});
