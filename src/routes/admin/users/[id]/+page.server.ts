import { error } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import { deductAction, grantAction } from '$lib/server/admin/adjust-actions';
import { findUserById } from '$lib/server/admin/users';
import { requireAdmin } from '$lib/server/auth/guard';
import { getLedger } from '$lib/server/credits';
import { getDb } from '$lib/server/db';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => {
	requireAdmin(event);
	const user = findUserById(getDb(), event.params.id);
	if (!user) error(404, 'No such user.');
	// Made per render: the grant and deduct forms send it back, so a resubmitted form writes once.
	return { user, balance: getLedger().balance(user.id), idempotencyKey: randomUUID() };
};

export const actions: Actions = { grant: grantAction, deduct: deductAction };
