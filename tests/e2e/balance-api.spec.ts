import { expect, test } from '@playwright/test';
import { signUp } from './helpers';

test('GET /api/v1/balance answers the signed-in user’s own balance', async ({ page }) => {
	await signUp(page);
	const own = await page.request.get('/api/v1/balance');
	expect(own.status()).toBe(200);
	expect(await own.json()).toEqual({
		user_id: expect.any(String),
		balance: 50,
		available: 50,
		on_hold: 0,
		expiring_soon: 50,
		debt: 0
	});

	const other = await page.request.get('/api/v1/balance?user_id=someone-else');
	expect(other.status()).toBe(403);
	expect((await other.json()).error).toMatchObject({ code: 'forbidden', param: 'user_id' });
});

test('GET /api/v1/balance without a session is 401 in the API’s error shape', async ({
	request
}) => {
	const response = await request.get('/api/v1/balance');
	expect(response.status()).toBe(401);
	expect((await response.json()).error.code).toBe('unauthorized');
});
