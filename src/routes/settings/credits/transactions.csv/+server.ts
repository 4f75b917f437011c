import { requireUser } from '$lib/server/auth/guard';
import { getLedger } from '$lib/server/app-ledger';
import { historyFilter, historyQuery } from '$lib/server/history';
import { readQuery } from '$lib/server/http/query';
import { csvResponse, transactionsCsv } from '$lib/server/transactions-csv';
import { transferTypeOf } from '$lib/server/transfer-types';
import type { RequestHandler } from './$types';

/** The whole of what the history page lists under the same filter; its page cursors do not apply. */
export const GET: RequestHandler = (event) => {
	const user = requireUser(event);
	const { type, from, to } = readQuery(event.url, historyQuery);
	return csvResponse(
		transactionsCsv(getLedger(), historyFilter(user.id, { type, from, to }), transferTypeOf),
		'transactions.csv'
	);
};
