import { requireUser } from '$lib/server/auth/guard';
import { getLedger } from '$lib/server/app-ledger';
import { getDb } from '$lib/server/db';
import { historyQuery, loadHistory } from '$lib/server/history';
import { readQuery } from '$lib/server/http/query';
import { transferQueryView } from '$lib/server/transfer-query';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const query = readQuery(event.url, historyQuery);
	return {
		...(await loadHistory(getDb(), getLedger(), user.id, query)),
		filter: transferQueryView(query)
	};
};
