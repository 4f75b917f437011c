import { expect, test } from '@playwright/test';
import { Webhook } from 'standardwebhooks';
import { startReceiver, type Receiver } from '../../src/lib/server/webhooks/testing/receiver';
import { signInAsListedAdmin } from './helpers';
import { firstE2e, queryE2e } from './e2e-db';
import { rawRequest, signUpRaw } from './raw-http';

let receiver: Receiver;
test.beforeAll(async () => {
	receiver = await startReceiver();
});
test.afterAll(() => receiver.close());

const otherTypes = ['purchase.completed', 'purchase.refunded', 'balance.low', 'hold.expired'];
const deliveriesTo = (userId: string) =>
	receiver.received.filter((r) => JSON.parse(r.body).data.user_id === userId);

test('an admin registers an endpoint, sees its secret once, its deliveries, and resends one', async ({
	page,
	baseURL
}) => {
	// Two deliveries through the background dispatcher on top of the page flow.
	test.setTimeout(90_000);
	await signInAsListedAdmin(page);
	await page.goto('/admin/webhooks');

	// Field errors first: a URL of another scheme and no event ticked.
	await page.getByLabel('Endpoint URL').fill('ftp://files.example.com/in');
	for (const type of ['credits.granted', ...otherTypes]) {
		await page.getByLabel(type, { exact: true }).uncheck();
	}
	await page.getByRole('button', { name: 'Register endpoint' }).click();
	await expect(
		page.getByText('Only http:// and https:// URLs can receive webhooks.')
	).toBeVisible();
	await expect(page.getByText('Choose at least one event to send.')).toBeVisible();

	await page.getByLabel('Endpoint URL').fill(receiver.url);
	await page.getByLabel('credits.granted', { exact: true }).check();
	await page.getByLabel('Description').fill('e2e receiver');
	await page.getByRole('button', { name: 'Register endpoint' }).click();
	const secretBox = page.getByLabel('Copy the signing secret now: it is not shown again.');
	await expect(secretBox).toHaveValue(/^whsec_[A-Za-z0-9+/]+=*$/);
	const secret = await secretBox.inputValue();
	await expect(page.getByRole('link', { name: receiver.url })).toBeVisible();

	await page.reload();
	await expect(page.getByRole('link', { name: receiver.url })).toBeVisible();
	expect(await page.content()).not.toContain(secret);

	// A sign-up grants the welcome bonus: a credits.granted event for this user.
	const { userId } = await signUpRaw(baseURL!);
	await expect.poll(() => deliveriesTo(userId).length, { timeout: 10_000 }).toBe(1);
	const [delivery] = deliveriesTo(userId);
	const verified = new Webhook(secret).verify(
		delivery.body,
		delivery.headers as Record<string, string>
	);
	expect(verified).toMatchObject({ type: 'credits.granted', data: { user_id: userId } });
	const messageId = String(delivery.headers['webhook-id']);

	await page.getByRole('link', { name: receiver.url }).click();
	const row = page.getByRole('row').filter({ hasText: messageId });
	await expect(row).toContainText('delivered');
	await expect(row).toContainText('204');

	await row.getByRole('button', { name: `Resend ${messageId}` }).click();
	await expect(page.getByText('will be sent again within seconds')).toBeVisible();
	await expect.poll(() => deliveriesTo(userId).length, { timeout: 10_000 }).toBe(2);
	expect(deliveriesTo(userId)[1].headers['webhook-id']).toBe(messageId);
	await page.reload();
	await expect(row.getByRole('cell').nth(2)).toHaveText('2');

	await page.getByRole('button', { name: 'Delete endpoint' }).click();
	await page.getByRole('alertdialog').getByRole('button', { name: 'Delete endpoint' }).click();
	await expect(page).toHaveURL(/\/admin\/webhooks$/);
	await expect(page.getByRole('link', { name: receiver.url })).toHaveCount(0);
	const actions = await queryE2e<{ action: string }>(
		"select action from audit_log where action like 'webhook_%' order by id"
	);
	expect(actions.map((row) => row.action)).toEqual(
		expect.arrayContaining([
			'webhook_endpoint_create',
			'webhook_message_resend',
			'webhook_endpoint_delete'
		])
	);
});

for (const who of ['signed out', 'a signed-in user'] as const) {
	test(`the outbound webhook pages answer 404 to ${who} and write nothing`, async ({ baseURL }) => {
		const cookie = who === 'signed out' ? '' : (await signUpRaw(baseURL!)).cookie;
		const headers = {
			origin: new URL(baseURL!).origin,
			accept: 'text/html',
			'content-type': 'application/x-www-form-urlencoded',
			...(cookie && { cookie })
		};
		const count = () =>
			firstE2e(
				'select count(*) from webhook_endpoints where url = ?',
				'https://attacker.example/hook'
			);
		const before = await count();
		for (const path of ['/admin/webhooks', '/admin/webhooks/ep_x', '/admin/webhooks/__data.json']) {
			expect((await rawRequest(baseURL!, { path, headers })).status, path).toBe(404);
		}
		const body = new URLSearchParams({
			url: 'https://attacker.example/hook',
			eventTypes: 'credits.granted',
			confirm: 'yes',
			messageId: 'msg_x'
		}).toString();
		for (const path of [
			'/admin/webhooks?/create',
			'/admin/webhooks/ep_x?/delete',
			'/admin/webhooks/ep_x?/rotate',
			'/admin/webhooks/ep_x?/disable',
			'/admin/webhooks/ep_x?/resend'
		]) {
			const response = await rawRequest(baseURL!, { method: 'POST', path, headers, body });
			expect(response.status, path).toBe(404);
		}
		expect(await count()).toBe(before);
	});
}
