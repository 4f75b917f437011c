import { error } from '@sveltejs/kit';
import { parseLedgerFilter } from '$lib/server/admin/ledger-filter';
import { findUserById } from '$lib/server/admin/users';
import { requireAdmin } from '$lib/server/auth/guard';
import { getLedger } from '$lib/server/app-ledger';
import { getDb } from '$lib/server/db';
import { transactionsCsv } from '$lib/server/transactions-csv';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) => {
	requireAdmin(event);
	const parsed = parseLedgerFilter(event.url.searchParams);
	if (!parsed.ok) error(400, parsed.message);
	const user = findUserById(getDb(), event.params.id);
	if (!user) error(404, 'No such account.');
	const { code, from, to } = parsed.filter;
	return new Response(transactionsCsv(getLedger(), { userId: user.id, code, from, to }), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="transactions-${user.id}.csv"`,
			'cache-control': 'no-store'
		}
	});
};
