import { error } from '@sveltejs/kit';
import { findUserById } from '$lib/server/admin/users';
import { requireAdmin } from '$lib/server/auth/guard';
import { getLedger } from '$lib/server/app-ledger';
import { getDb } from '$lib/server/db';
import { perform } from '$lib/server/db/unit';
import { transferCodes } from '$lib/server/db/schema';
import { readQuery } from '$lib/server/http/query';
import { transferQuery, transferRange } from '$lib/server/transfer-query';
import { csvResponse, transactionsCsv } from '$lib/server/transactions-csv';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	requireAdmin(event);
	const query = readQuery(event.url, transferQuery(transferCodes));
	const db = getDb();
	const user = await perform(db, findUserById(db, event.params.id));
	if (!user) error(404, 'No such account.');
	const { from, to } = transferRange(query);
	return csvResponse(
		transactionsCsv(getLedger(), { userId: user.id, code: query.type, from, to }),
		`transactions-${user.id}.csv`
	);
};
