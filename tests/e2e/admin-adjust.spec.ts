import { expect, test } from '@playwright/test';
import { screenshots, signInAsListedAdmin, uniqueEmail } from './helpers';
import { firstE2e, verifyE2eLedger } from './e2e-db';
import { rawRequest, signUpRaw } from './raw-http';

const signUpBonus = 50;

// Other spec files write at the same time: count only the rows of this test's own users.
const transfersOf = (...userIds: string[]) =>
	firstE2e<number>(
		`select count(*) from transfers join accounts on accounts.id = transfers.user_account_id
		where accounts.user_id in (${userIds.map(() => '?').join(', ')})`,
		...userIds
	);
const auditsOf = (userId: string) =>
	firstE2e<number>(
		'select count(*) from audit_log where target = ? or actor_id = ?',
		`user:${userId}`,
		userId
	);
const transfersWithKey = (key: string) =>
	firstE2e<number>('select count(*) from transfers where idempotency_key = ?', key);

test.afterAll(async () => {
	expect(await verifyE2eLedger()).toEqual([]);
});

test('an admin previews a grant, sees exactly what it writes, and confirms it', async ({
	page,
	baseURL
}) => {
	const user = await signUpRaw(baseURL!);
	await signInAsListedAdmin(page);
	await page.goto(`/admin/users/${user.userId}`);
	await expect(page.getByTestId('user-balance')).toHaveText(String(signUpBonus));

	const form = page.getByRole('form', { name: 'Grant credits' });
	await form.getByLabel('Credits', { exact: true }).fill('1250');
	await form.getByLabel('Reason').fill('Goodwill for the outage');
	await form.getByLabel('Category').selectOption('paid');
	const transfers = await transfersOf(user.userId);
	await form.getByRole('button', { name: 'Preview' }).click();

	const preview = page.getByRole('region', { name: /^Preview/ });
	await expect(preview.getByTestId('balance-change')).toHaveText('50 → 1,300');
	await expect(preview.getByRole('row', { name: /grant \+1,250 1,300 Goodwill/ })).toBeVisible();
	await expect(preview.getByRole('row', { name: /New · paid Never 1,250/ })).toBeVisible();
	expect(await transfersOf(user.userId)).toBe(transfers);
	await screenshots(page, 'admin-grant-preview');

	await page.getByRole('button', { name: 'Confirm' }).click();
	await expect(page.getByRole('status')).toContainText(/Granted 1,250 credits \(transfer #\d+\)/);
	await expect(page.getByTestId('user-balance')).toHaveText('1,300');
	expect(await transfersOf(user.userId)).toBe(transfers + 1);
	// The form is fresh again: a new grant would use a new key.
	await expect(form.getByLabel('Credits', { exact: true })).toHaveValue('');
});

test('a deduction beyond the available credits is refused without allowDebt and allowed with it', async ({
	page,
	baseURL
}) => {
	const user = await signUpRaw(baseURL!);
	await signInAsListedAdmin(page);
	await page.goto(`/admin/users/${user.userId}`);
	await page.getByRole('tab', { name: 'Deduct' }).click();

	const form = page.getByRole('form', { name: 'Deduct credits' });
	await form.getByLabel('Credits', { exact: true }).fill('80');
	await form.getByLabel('Reason').fill('Reverse a duplicate grant');
	await form.getByRole('button', { name: 'Preview' }).click();
	await expect(form.getByText('Only 50 credits are available. Tick “Allow debt”')).toBeVisible();
	await expect(page.getByRole('button', { name: 'Confirm' })).toHaveCount(0);

	await form.getByLabel('Allow debt').check();
	await form.getByRole('button', { name: 'Preview' }).click();
	const preview = page.getByRole('region', { name: /^Preview/ });
	await expect(preview.getByTestId('balance-change')).toHaveText('50 → -30');
	await expect(preview.getByTestId('debt-change')).toHaveText('0 → 30');
	await page.getByRole('button', { name: 'Confirm' }).click();
	await expect(page.getByRole('status')).toContainText('Deducted 80 credits');
	await expect(page.getByTestId('user-balance')).toHaveText('-30');
});

test('a grant posted twice with the same form acts once', async ({ page, baseURL }) => {
	const user = await signUpRaw(baseURL!);
	await signInAsListedAdmin(page);
	const key = `double-${Date.now()}`;
	const post = () =>
		page.request.post(`/admin/users/${user.userId}?/grant`, {
			form: {
				amount: '300',
				reason: 'Double-click test',
				category: 'free',
				idempotencyKey: key,
				confirm: 'yes'
			},
			headers: { origin: new URL(baseURL!).origin, accept: 'application/json' }
		});
	const [first, second] = await Promise.all([post(), post()]);
	expect([first.status(), second.status()]).toEqual([200, 200]);
	const third = await post();
	expect(await third.text()).toContain('replayed');
	expect(await transfersWithKey(`admin-grant:${key}`)).toBe(1);
	await page.goto(`/admin/users/${user.userId}`);
	await expect(page.getByTestId('user-balance')).toHaveText(String(signUpBonus + 300));
	const audits = await firstE2e<number>(
		'select count(*) from audit_log where idempotency_key = ?',
		`admin-grant:${key}`
	);
	expect(audits).toBe(1);
});

test('a bulk grant with a bad line grants the good rows once, however often it is applied', async ({
	page,
	baseURL
}) => {
	const [ada, bob] = [await signUpRaw(baseURL!), await signUpRaw(baseURL!)];
	const lines = [
		'email,credits,reason',
		`${ada.email},100,"Spring promotion, week 1"`,
		`${bob.email},ten,typo`,
		`${uniqueEmail('nobody')},5,Spring promotion`,
		`${bob.email},40,Spring promotion`
	].join('\n');
	await signInAsListedAdmin(page);
	await page.goto('/admin/grants/bulk');
	await page.getByLabel('Lines').fill(lines);
	await page.getByRole('button', { name: 'Preview' }).click();

	const problems = page.getByRole('region', { name: 'Lines that will not be granted' });
	await expect(
		problems.getByRole('row', { name: /^3 credits: Enter a whole number/ })
	).toBeVisible();
	await expect(problems.getByRole('row', { name: /^4 No account has nobody-/ })).toBeVisible();
	const transfers = await transfersOf(ada.userId, bob.userId);
	await screenshots(page, 'admin-bulk-preview');
	await page.getByRole('button', { name: 'Apply 2 grants' }).click();
	await expect(page.getByRole('heading', { name: 'Report' })).toBeVisible();
	expect(await transfersOf(ada.userId, bob.userId)).toBe(transfers + 2);

	// The same upload again, as a file this time: nothing more to grant.
	await page.getByLabel('Or a CSV file').setInputFiles({
		name: 'grants.csv',
		mimeType: 'text/csv',
		buffer: Buffer.from(lines.replaceAll('\n', '\r\n'))
	});
	await page.getByRole('button', { name: 'Preview' }).click();
	await expect(page.getByRole('button', { name: 'Apply 0 grants' })).toBeDisabled();
	const again = await page.request.post('/admin/grants/bulk?/apply', {
		multipart: { rows: lines },
		headers: { origin: new URL(baseURL!).origin, accept: 'application/json' }
	});
	expect(again.status()).toBe(200);
	expect(await transfersOf(ada.userId, bob.userId)).toBe(transfers + 2);
	await page.goto(`/admin/users/${ada.userId}`);
	await expect(page.getByTestId('user-balance')).toHaveText(String(signUpBonus + 100));
});

test('a bulk upload over 10,000 rows is refused with a message', async ({ page }) => {
	await signInAsListedAdmin(page);
	const response = await page.request.post('/admin/grants/bulk?/preview', {
		multipart: {
			csv: {
				name: 'big.csv',
				mimeType: 'text/csv',
				buffer: Buffer.from(Array.from({ length: 10_001 }, (_, i) => `u${i}@x.io,1,ok`).join('\n'))
			}
		},
		headers: { origin: new URL(page.url()).origin, accept: 'application/json' }
	});
	// SvelteKit answers an action's failure to a JSON request as 200 with the failure's own status inside.
	expect(await response.json()).toMatchObject({ type: 'failure', status: 400 });
	expect(await response.text()).toContain('The upload has 10,001 rows; send at most 10,000');
});

for (const who of ['signed out', 'a signed-in user'] as const) {
	test(`grants and deductions answer 404 to ${who} and write nothing`, async ({ baseURL }) => {
		const victim = await signUpRaw(baseURL!);
		const attacker = who === 'signed out' ? null : await signUpRaw(baseURL!);
		const cookie = attacker?.cookie ?? '';
		const headers = {
			origin: new URL(baseURL!).origin,
			accept: 'text/html',
			'content-type': 'application/x-www-form-urlencoded',
			...(cookie && { cookie })
		};
		const grant = new URLSearchParams({
			amount: '100',
			reason: 'probe',
			category: 'free',
			allowDebt: 'on',
			idempotencyKey: `probe-${Date.now()}`,
			confirm: 'yes',
			rows: `${victim.email},100,probe`
		}).toString();
		const requests = [
			{ method: 'GET', path: `/admin/users/${victim.userId}` },
			{ method: 'POST', path: `/admin/users/${victim.userId}?/grant`, body: grant },
			{ method: 'POST', path: `/admin/users/${victim.userId}?/deduct`, body: grant },
			{ method: 'GET', path: '/admin/grants/bulk' },
			{ method: 'POST', path: '/admin/grants/bulk?/preview', body: grant },
			{ method: 'POST', path: '/admin/grants/bulk?/apply', body: grant }
		];
		const counts = async () => ({
			transfers: await transfersOf(victim.userId),
			audit: (await auditsOf(victim.userId)) + (attacker ? await auditsOf(attacker.userId) : 0)
		});
		const before = await counts();
		for (const request of requests) {
			const response = await rawRequest(baseURL!, { ...request, headers });
			expect(response.status, `${request.method} ${request.path}`).toBe(404);
			expect(response.body).not.toContain(victim.email);
		}
		expect(await counts()).toEqual(before);
	});
}
