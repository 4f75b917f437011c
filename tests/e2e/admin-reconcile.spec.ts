import { expect, test } from '@playwright/test';
import { adminEmail, signInAsListedAdmin } from './helpers';
import { readE2eDb } from './raw-http';

test('an admin reconciles with Stripe from the webhook events page and the run is audited', async ({
	page
}) => {
	// This admin's runs only: other specs' admins (the access matrix's) reconcile meanwhile.
	const audited = () =>
		readE2eDb(
			(db) =>
				db
					.prepare(`select count(*) from audit_log where action = 'reconcile' and actor_email = ?`)
					.pluck()
					.get(adminEmail) as number
		);
	const before = audited();
	await signInAsListedAdmin(page);
	await page.goto('/admin/events');
	await page.getByRole('button', { name: 'Reconcile now' }).click();
	await expect(page.getByRole('status')).toContainText(/Checked \d+ sessions, \d+\s+charges/);
	expect(audited()).toBe(before + 1);
	for (const [width, scheme] of [
		[360, 'light'],
		[1280, 'dark']
	] as const) {
		await page.setViewportSize({ width, height: 900 });
		await page.emulateMedia({ colorScheme: scheme });
		await page.screenshot({ path: `test-results/admin-reconcile-${width}-${scheme}.png` });
	}
});
