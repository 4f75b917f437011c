import { error, fail, type RequestEvent } from '@sveltejs/kit';
import { requireAdmin } from '../auth/guard';
import { getDb } from '../db';
import { perform } from '../db/unit';
import { readForm } from '../http/form';
import { adjustBalance, parseAdjustment, type AdjustmentKind } from './adjust';
import { findUserById } from './users';

type UserEvent = RequestEvent<{ id: string }>;

/** The `?/grant` and `?/deduct` actions of the user page: each answers under its form's name. */
function adjustAction<K extends AdjustmentKind>(kind: K) {
	// Keyed by the form's name, typed so the page sees `form.grant` and `form.deduct`, not an index.
	const under = <T>(value: T) => ({ [kind]: value }) as Record<K, T>;
	return async (event: UserEvent) => {
		const admin = requireAdmin(event);
		const db = getDb();
		const parsed = parseAdjustment(kind, await readForm(event.request));
		if (!parsed.ok) return fail(400, under({ values: parsed.values, errors: parsed.errors }));
		const user = await perform(db, findUserById(db, event.params.id));
		if (!user) error(404, 'No such user.');
		const outcome = await adjustBalance(db, admin, user.id, parsed.data);
		const reply = { values: parsed.values, outcome };
		if (outcome.status !== 'refused') return under(reply);
		const errors = outcome.field ? { [outcome.field]: outcome.message } : {};
		return fail(outcome.code === 'invalid_request' ? 400 : 409, under({ ...reply, errors }));
	};
}

export const grantAction = adjustAction('grant');
export const deductAction = adjustAction('deduct');
