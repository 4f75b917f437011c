import { dayMs } from '../../src/lib/time';
import type { ReconcileSummary } from '../../src/lib/types/reconcile';

/** `--since`: a day (`2026-11-28`, from its start in UTC) or a number of days back (`3d`); null when neither. */
export function parseSince(value: string, now = Date.now()): Date | null {
	const days = /^(\d{1,4})d$/.exec(value);
	if (days) return new Date(now - Number(days[1]) * dayMs);
	if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
	const day = new Date(`${value}T00:00:00Z`);
	return Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== value ? null : day;
}

/** The summary as `npm run stripe:reconcile` prints it. */
export function formatSummary(summary: ReconcileSummary): string {
	const { checked, repaired, problems, dryRun } = summary;
	const lines = [
		`Checked ${checked.sessions} sessions, ${checked.charges} charges, ${checked.refunds} refunds and ${checked.disputes} disputes since ${summary.since.toISOString()} (${checked.purchases} purchases).`
	];
	for (const repair of repaired)
		lines.push(
			`- ${dryRun ? 'would repair' : 'repaired'} ${repair.kind} of purchase ${repair.purchaseId} (${repair.stripeId})`
		);
	for (const problem of problems)
		lines.push(`! ${problem.code} ${problem.purchaseId ?? ''}: ${problem.message}`);
	if (repaired.length === 0 && problems.length === 0) lines.push('Credits agrees with Stripe.');
	else if (dryRun) lines.push('Dry run: nothing was changed.');
	if (problems.length > 0) lines.push(`${problems.length} problems need an admin.`);
	return lines.join('\n');
}
