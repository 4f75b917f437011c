import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { createCreditsClient } from '../../src/lib/client/index';
import { createApiKey } from './credits-api';
import { signUpRaw } from './raw-http';

test('the typed client example runs against the server', async ({ baseURL }) => {
	test.setTimeout(60_000);
	const { email } = await signUpRaw(baseURL!);
	const run = spawnSync(process.execPath, ['--import', 'tsx', 'examples/http-client.ts'], {
		env: {
			...process.env,
			CREDITS_URL: baseURL,
			CREDITS_API_KEY: createApiKey('e2e http client'),
			CREDITS_USER_EMAIL: email
		},
		encoding: 'utf8'
	});
	expect(run.stderr).toBe('');
	expect(run.stdout).toBe(
		[
			'balance 50',
			'spent, now 45; retry replayed: true',
			'refused: 402 insufficient_credits',
			'captured 4 of 10',
			'history: capture, release, hold',
			''
		].join('\n')
	);
});

test('the typed client answers API errors as values', async ({ baseURL }) => {
	test.setTimeout(60_000);
	const stranger = createCreditsClient({ baseUrl: baseURL!, apiKey: 'ck_nope' });
	const denied = await stranger.balance('anyone');
	expect(denied).toMatchObject({ ok: false, status: 401, error: { code: 'unauthorized' } });
	const credits = createCreditsClient({ baseUrl: baseURL!, apiKey: createApiKey('e2e client') });
	expect(await credits.getHold(999_999_999)).toMatchObject({
		ok: false,
		status: 404,
		error: { code: 'hold_not_found' }
	});
	const { userId } = await signUpRaw(baseURL!);
	const held = await credits.hold({
		user_id: userId,
		amount: 5,
		idempotency_key: `client-${Date.now()}`,
		expires_in_seconds: 60
	});
	expect(held.ok).toBe(true);
	const released = await credits.release(held.ok ? held.data.hold_id : 0);
	expect(released).toMatchObject({ ok: true, data: { status: 'released' }, replayed: false });
	expect(
		await credits.grant({ user_id: userId, amount: 1, idempotency_key: '', reason: 'x' })
	).toMatchObject({
		ok: false,
		status: 400,
		error: { code: 'invalid_request', param: 'idempotency_key' }
	});
});
