import { expect, test } from '@playwright/test';
import { adminEmail, signInAsListedAdmin } from './helpers';
import { firstE2e } from './e2e-db';

test('an admin reconciles with Stripe from the webhook events page and the run is audited', async ({
	page
}) => {
	// This admin's runs only: other specs' admins (the access matrix's) reconcile meanwhile.
	const audited = () =>
		firstE2e<number>(
			"select count(*) from audit_log where action = 'reconcile' and actor_email = ?",
			adminEmail
		);
	const before = await audited();
	await signInAsListedAdmin(page);
	await page.goto('/admin/events');
	await page.getByRole('button', { name: 'Reconcile now' }).click();
	await expect(page.getByRole('status')).toContainText(/Checked \d+ sessions, \d+\s+charges/);
	expect(await audited()).toBe(before + 1);
	for (const [width, scheme] of [
		[360, 'light'],
		[1280, 'dark']
	] as const) {
		await page.setViewportSize({ width, height: 900 });
		await page.emulateMedia({ colorScheme: scheme });
		await page.screenshot({ path: `test-results/admin-reconcile-${width}-${scheme}.png` });
	}
});
