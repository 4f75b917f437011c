import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { activePackages } from '$lib/credits/packages';
import { requireUser } from '$lib/server/auth/guard';
import { getDb } from '$lib/server/db';
import {
	demoBalance,
	generateHaiku,
	haikuMaxCost,
	newAttempt,
	readAttempt
} from '$lib/server/demo-haiku';
import { readForm } from '$lib/server/http/form';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	return {
		available: await demoBalance(getDb(), user.id),
		maxCost: haikuMaxCost,
		attempt: newAttempt(),
		packages: activePackages
	};
};

const haikuForm = z.object({
	topic: z
		.string({ error: 'Give the haiku a topic.' })
		.trim()
		.min(1, 'Give the haiku a topic.')
		.max(40, 'Keep the topic to 40 characters.'),
	attempt: z.string({ error: 'Reload the page and try again.' })
});

export const actions: Actions = {
	generate: async (event) => {
		const user = requireUser(event);
		const parsed = haikuForm.safeParse(Object.fromEntries(await readForm(event.request)));
		if (!parsed.success)
			return fail(400, { haiku: { topic: '', error: parsed.error.issues[0].message } });
		const { topic } = parsed.data;
		const attempt = readAttempt(parsed.data.attempt);
		if (!attempt)
			return fail(400, {
				haiku: { topic, error: 'This page is out of date: reload it and try again.' }
			});

		const result = await generateHaiku(getDb(), user.id, topic, attempt);
		if (!result.ok)
			return fail(result.code === 'failed' ? 409 : 402, {
				haiku: { topic, error: result.message, code: result.code }
			});
		return {
			haiku: { topic, lines: result.lines, cost: result.cost, available: result.available }
		};
	}
};
