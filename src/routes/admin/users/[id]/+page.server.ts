import { error, fail } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import { deductAction, grantAction } from '$lib/server/admin/adjust-actions';
import { changeRole, signOutEverywhere, type Role } from '$lib/server/admin/user-commands';
import { userDetail } from '$lib/server/admin/user-detail';
import { requireAdmin } from '$lib/server/auth/guard';
import { getLedger } from '$lib/server/app-ledger';
import { getDb } from '$lib/server/db';
import { transferCodes } from '$lib/server/db/schema';
import { readForm } from '$lib/server/http/form';
import { readQuery } from '$lib/server/http/query';
import { transferQuery, transferQueryView, transferRange } from '$lib/server/transfer-query';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

const ledgerQuery = transferQuery(transferCodes);

export const load: PageServerLoad = async (event) => {
	const admin = requireAdmin(event);
	const query = readQuery(event.url, ledgerQuery);
	const detail = await userDetail(getDb(), getLedger(), event.params.id, {
		code: query.type,
		...transferRange(query)
	});
	if (!detail) error(404, 'No such account.');
	return {
		...detail,
		filter: transferQueryView(query),
		codes: transferCodes,
		isSelf: detail.user.id === admin.id,
		// Made per render: the grant and deduct forms send it back, so a resubmitted form writes once.
		idempotencyKey: randomUUID()
	};
};

/** Without `confirm=yes` an action changes nothing and says what it would do. */
async function confirmed(event: RequestEvent) {
	return (await readForm(event.request)).get('confirm') === 'yes';
}

function roleAction(role: Role, preview: string) {
	return async (event: RequestEvent) => {
		const admin = requireAdmin(event);
		if (!(await confirmed(event))) return { role: { preview } };
		const result = await changeRole(getDb(), admin, event.params.id, role);
		if (!result.ok)
			return fail(result.code === 'user_not_found' ? 404 : 409, {
				role: { error: result.message }
			});
		const done = role === 'admin' ? 'Promoted to admin.' : 'Demoted to user.';
		return { role: { message: result.changed ? done : `Already ${role}; nothing changed.` } };
	};
}

export const actions: Actions = {
	grant: grantAction,
	deduct: deductAction,
	promote: roleAction(
		'admin',
		'Promote this account to admin? They will see and change every account.'
	),
	demote: roleAction(
		'user',
		'Demote this admin to a plain user? They lose the admin area at once.'
	),
	signOutEverywhere: async (event) => {
		const admin = requireAdmin(event);
		if (!(await confirmed(event)))
			return { sessions: { preview: 'Sign this account out on every device?' } };
		const result = await signOutEverywhere(getDb(), admin, event.params.id);
		if (!result.ok) return fail(404, { sessions: { error: result.message } });
		const n = result.sessions;
		return {
			sessions: { message: `Signed out everywhere: ${n} session${n === 1 ? '' : 's'} ended.` }
		};
	}
};
