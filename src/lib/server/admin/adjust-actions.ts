import { error, fail, type RequestEvent } from '@sveltejs/kit';
import { requireAdmin } from '../auth/guard';
import { getDb } from '../db';
import { readForm } from '../http/form';
import { adjustBalance, parseAdjustment, type AdjustmentKind } from './adjust';
import { findUserById } from './users';

type UserEvent = RequestEvent<{ id: string }>;

/** The `?/grant` and `?/deduct` actions of the user page: each answers under its form's name. */
function adjustAction(kind: AdjustmentKind) {
	return async (event: UserEvent) => {
		const admin = requireAdmin(event);
		const db = getDb();
		const user = findUserById(db, event.params.id);
		if (!user) error(404, 'No such user.');
		const parsed = parseAdjustment(kind, await readForm(event.request));
		if (!parsed.ok) return fail(400, { [kind]: { values: parsed.values, errors: parsed.errors } });
		const outcome = adjustBalance(db, admin, user.id, parsed.data);
		const reply = { values: parsed.values, outcome };
		if (outcome.status !== 'refused') return { [kind]: reply };
		const errors = outcome.field ? { [outcome.field]: outcome.message } : {};
		return fail(outcome.code === 'invalid_request' ? 400 : 409, { [kind]: { ...reply, errors } });
	};
}

export const grantAction = adjustAction('grant');
export const deductAction = adjustAction('deduct');
