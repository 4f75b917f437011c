import { formatCount } from '$lib/format';
import type { Db } from '../db';
import { ledger, transaction, type Unit } from '../db/unit';
import { recordAudit, type Actor } from './audit';
import type { BadLine, BulkUpload } from './bulk-rows';
import { dryRun } from './ledger-capture';
import { findUserIdsByEmail } from './users';

export type BulkReport = {
	/** well-formed rows of known users */
	rows: number;
	credits: number;
	users: number;
	granted: number;
	grantedCredits: number;
	/** rows this upload granted before (applying it again grants them nothing more) */
	alreadyGranted: number;
	unknownEmails: { line: number; email: string }[];
	malformed: BadLine[];
	/** rows the ledger refused */
	refused: BadLine[];
};

export function bulkGrantKey(digest: string, line: number) {
	return `admin-bulk:${digest}:${line}`;
}

function* grantRows(
	tx: Db,
	admin: Actor,
	{ digest, rows, malformed }: BulkUpload
): Unit<BulkReport> {
	const ids = yield* findUserIdsByEmail(
		tx,
		rows.map((row) => row.email)
	);
	const report: BulkReport = {
		rows: 0,
		credits: 0,
		users: 0,
		granted: 0,
		grantedCredits: 0,
		alreadyGranted: 0,
		unknownEmails: [],
		malformed,
		refused: []
	};
	const users = new Set<string>();
	for (const { line, email, credits, reason } of rows) {
		const userId = ids.get(email);
		if (!userId) {
			report.unknownEmails.push({ line, email });
			continue;
		}
		report.rows++;
		report.credits += credits;
		users.add(userId);
		const result = yield* ledger((l) =>
			l.grant({
				userId,
				amount: credits,
				category: 'free',
				code: 'grant',
				reason,
				actor: `admin:${admin.id}`,
				idempotencyKey: bulkGrantKey(digest, line)
			})
		);
		// A conflict here means another admin applied this very upload: its key names the line.
		if (
			(result.ok && result.replayed) ||
			(!result.ok && result.error.code === 'idempotency_conflict')
		)
			report.alreadyGranted++;
		else if (result.ok) {
			report.granted++;
			report.grantedCredits += credits;
		} else report.refused.push({ line, message: result.error.message });
	}
	report.users = users.size;
	return report;
}

/** What applying the upload would do, found by doing it and rolling it back. */
export function previewBulkGrant(db: Db, admin: Actor, upload: BulkUpload): Promise<BulkReport> {
	return dryRun(db, (tx) => grantRows(tx, admin, upload));
}

/** Grants every good row once (one idempotent transfer per line), atomically, with one audit entry. */
export function applyBulkGrant(db: Db, admin: Actor, upload: BulkUpload): Promise<BulkReport> {
	return transaction(db, function* (tx) {
		const report = yield* grantRows(tx, admin, upload);
		yield* recordAudit(tx, admin, {
			action: 'bulk_grant',
			outcome: report.granted > 0 || report.alreadyGranted > 0 ? 'ok' : 'refused',
			amount: report.grantedCredits,
			idempotencyKey: `admin-bulk:${upload.digest}`,
			detail: describe(report)
		});
		return report;
	});
}

function describe(report: BulkReport) {
	const skipped = report.unknownEmails.length + report.malformed.length + report.refused.length;
	return [
		`granted ${formatCount(report.granted)} rows (${formatCount(report.grantedCredits)} credits)`,
		`already granted ${formatCount(report.alreadyGranted)}`,
		`skipped ${formatCount(skipped)} (${report.unknownEmails.length} unknown emails, ${report.malformed.length} malformed, ${report.refused.length} refused)`
	].join('; ');
}
