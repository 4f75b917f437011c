import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { signInAsListedAdmin } from './helpers';
import { firstE2e, queryE2e, writeE2eLedger } from './e2e-db';
import { rawRequest, signUpRaw } from './raw-http';

/** Writes `grants` one-credit grants and a spend into the e2e database, as other services would. */
function seedLedger(userId: string, grants: number) {
	return writeE2eLedger(async (ledger) => {
		for (let i = 1; i <= grants; i++)
			await ledger.grant({
				userId,
				amount: 1,
				category: 'free',
				reason: `seed grant ${i}`,
				actor: 'system:e2e',
				idempotencyKey: `e2e-${userId}-${i}`
			});
		await ledger.spend({
			userId,
			amount: 3,
			reason: 'seed spend, "quoted"',
			actor: 'system:e2e',
			idempotencyKey: `e2e-${userId}-spend`
		});
	});
}

const sessionsOf = (userId: string) =>
	firstE2e<number>('select count(*) from sessions where user_id = ?', userId);
const roleOf = (userId: string) => firstE2e('select role from users where id = ?', userId);
// Other specs' admins write audit rows meanwhile: count those about this user.
const auditOfUser = (userId: string) =>
	firstE2e('select count(*) from audit_log where target = ?', `user:${userId}`);

async function openUser(page: Page, email: string) {
	await page.goto('/admin/users');
	await page.getByRole('searchbox', { name: 'Email' }).fill(email.toUpperCase());
	await page.getByRole('button', { name: 'Search' }).click();
	await expect(page.getByRole('row')).toHaveCount(2);
	await page.getByRole('link', { name: email }).click();
	await expect(page.getByRole('heading', { level: 1, name: email })).toBeVisible();
}

test('an admin finds a user, reads their balance and ledger, filters, pages and downloads the CSV', async ({
	page,
	baseURL
}) => {
	test.slow(); // four full-page screenshots at the end
	const { email, userId } = await signUpRaw(baseURL!);
	await seedLedger(userId, 60);
	const balance = await firstE2e<number>(
		'select credits_posted - debits_posted from accounts where user_id = ?',
		userId
	);
	await signInAsListedAdmin(page);
	await openUser(page, email);

	const figures = page.getByRole('region', { name: 'Balance' });
	await expect(figures.getByRole('definition').first()).toHaveText(balance.toLocaleString('en-US'));

	const ledger = page.getByRole('region', { name: 'Ledger' }).first();
	const rows = ledger.locator('tbody tr');
	await expect(rows).toHaveCount(50);
	await expect(rows.first()).toContainText('spend');
	await expect(rows.first()).toContainText('-3');

	await page.getByRole('link', { name: 'Older' }).click();
	await expect(page).toHaveURL(/before=\d+/);
	await expect(rows).toHaveCount(12);
	await expect(rows.nth(10)).toContainText('seed grant 1');
	await expect(rows.last()).toContainText('Welcome bonus');
	await page.getByRole('link', { name: 'Newer' }).click();
	await expect(page).toHaveURL(/after=\d+/);
	await expect(rows).toHaveCount(50);
	await expect(rows.first()).toContainText('seed spend');
	await page.goBack();
	await expect(rows).toHaveCount(12);
	await page.goBack();
	await expect(rows.first()).toContainText('seed spend');

	await page.getByLabel('Type').selectOption('spend');
	await page.getByRole('button', { name: 'Filter' }).click();
	await expect(page).toHaveURL(/type=spend/);
	await expect(rows).toHaveCount(1);

	const download = page.waitForEvent('download');
	await page.getByRole('link', { name: 'Download CSV' }).click();
	const csv = readFileSync(await (await download).path(), 'utf8').split('\r\n');
	expect(csv[0]).toBe('date,type,credits,balance_after,description,reference');
	expect(csv[1]).toMatch(
		/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z,spend,-3,\d+,"seed spend, ""quoted""",$/
	);
	expect(csv).toHaveLength(3);

	const all = await page.request.get(`/admin/users/${userId}/transactions.csv`);
	expect(all.headers()['content-type']).toContain('text/csv');
	expect((await all.text()).trim().split('\r\n')).toHaveLength(1 + 62);

	await page.goto(`/admin/users/${userId}`);
	for (const scheme of ['light', 'dark'] as const) {
		await page.emulateMedia({ colorScheme: scheme });
		for (const width of [1280, 360]) {
			await page.setViewportSize({ width, height: 900 });
			await page.screenshot({
				path: `test-results/admin-user-${scheme}-${width}.png`,
				fullPage: true
			});
		}
	}
});

test('signing a user out everywhere asks first, then ends every session they have', async ({
	page,
	baseURL
}) => {
	const victim = await signUpRaw(baseURL!);
	const signedIn = () =>
		rawRequest(baseURL!, { path: '/settings/credits', headers: { cookie: victim.cookie } });
	expect((await signedIn()).status).toBe(200);

	await signInAsListedAdmin(page);
	await openUser(page, victim.email);
	const card = page.getByRole('region', { name: 'Active sessions' });
	await expect(card.locator('tbody tr')).toHaveCount(1);
	await card.getByRole('button', { name: 'Sign out everywhere' }).click();
	const dialog = page.getByRole('alertdialog');
	await dialog.getByRole('button', { name: 'Cancel' }).click();
	expect(await sessionsOf(victim.userId)).toBe(1);

	await card.getByRole('button', { name: 'Sign out everywhere' }).click();
	await dialog.getByRole('button', { name: 'Sign out everywhere' }).click();
	await expect(page.getByText('Signed out everywhere: 1 session ended.')).toBeVisible();
	expect(await sessionsOf(victim.userId)).toBe(0);
	expect((await signedIn()).status).toBe(303);
	expect(
		await firstE2e(
			"select outcome from audit_log where action = 'sign_out_everywhere' and target = ?",
			`user:${victim.userId}`
		)
	).toBe('ok');
});

test('promote and demote ask first, in a dialog or, without JavaScript, on the page', async ({
	page,
	baseURL
}) => {
	const { email, userId } = await signUpRaw(baseURL!);
	await signInAsListedAdmin(page);
	await openUser(page, email);
	const card = page.getByRole('region', { name: 'Role' });

	await card.getByRole('button', { name: 'Promote to admin' }).click();
	await page.getByRole('alertdialog').getByRole('button', { name: 'Promote to admin' }).click();
	await expect(card.getByText('Promoted to admin.')).toBeVisible();
	expect(await roleOf(userId)).toBe('admin');

	await card.getByRole('button', { name: 'Demote to user' }).click();
	await page.getByRole('alertdialog').getByRole('button', { name: 'Demote to user' }).click();
	await expect(card.getByText('Demoted to user.')).toBeVisible();
	expect(await roleOf(userId)).toBe('user');

	// Without JavaScript the first post only asks; the answer's Confirm posts confirm=yes.
	const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
	const post = (body: Record<string, string>) =>
		rawRequest(baseURL!, {
			method: 'POST',
			path: `/admin/users/${userId}?/promote`,
			headers: {
				cookie,
				origin: new URL(baseURL!).origin,
				accept: 'text/html',
				'content-type': 'application/x-www-form-urlencoded'
			},
			body: new URLSearchParams(body).toString()
		});
	const asked = await post({});
	expect(asked.status).toBe(200);
	expect(asked.body).toContain('Promote this account to admin?');
	expect(await roleOf(userId)).toBe('user');
	expect((await post({ confirm: 'yes' })).status).toBe(200);
	expect(await roleOf(userId)).toBe('admin');
	const actions = await queryE2e<{ action: string }>(
		'select action from audit_log where target = ? order by id',
		`user:${userId}`
	);
	expect(actions.map((row) => row.action)).toEqual(['promote', 'demote', 'promote']);
});

for (const who of ['signed out', 'a signed-in user'] as const) {
	test(`every users page, export and action answers 404 to ${who} and changes nothing`, async ({
		baseURL
	}) => {
		const victim = await signUpRaw(baseURL!);
		const cookie = who === 'signed out' ? '' : (await signUpRaw(baseURL!)).cookie;
		const headers: Record<string, string> = cookie ? { cookie } : {};
		const before = {
			sessions: await sessionsOf(victim.userId),
			audit: await auditOfUser(victim.userId)
		};
		const base = `/admin/users/${victim.userId}`;
		for (const path of [
			'/admin/users',
			`/admin/users?q=${victim.email}`,
			'/admin/users/__data.json',
			base,
			`${base}/__data.json`,
			`${base}/__data.json?x-sveltekit-invalidated=01`,
			`${base}/transactions.csv`,
			`${base}/transactions.csv?code=grant`
		]) {
			const response = await rawRequest(baseURL!, { path, headers });
			expect(response.status, path).toBe(404);
			expect(response.body, path).not.toContain(victim.email);
		}
		for (const action of ['signOutEverywhere', 'promote', 'demote']) {
			const response = await rawRequest(baseURL!, {
				method: 'POST',
				path: `${base}?/${action}`,
				headers: {
					...headers,
					origin: new URL(baseURL!).origin,
					accept: 'text/html',
					'content-type': 'application/x-www-form-urlencoded'
				},
				body: 'confirm=yes'
			});
			expect(response.status, action).toBe(404);
		}
		expect(await roleOf(victim.userId)).toBe('user');
		expect({
			sessions: await sessionsOf(victim.userId),
			audit: await auditOfUser(victim.userId)
		}).toEqual(before);
	});
}
