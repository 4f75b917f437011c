import { answered, type Attempt, type Sent } from './driver';

/** A write the server confirmed: 200 (a form's JSON result of type success), or 303 for a page. */
export function acknowledged(sent: Sent, attempt: Attempt | undefined): boolean {
	if (!answered(attempt)) return false;
	if (sent.kind === 'buy' || sent.kind === 'pay') return attempt.status === 303;
	if (sent.kind === 'admin-grant')
		return attempt.status === 200 && actionType(attempt) === 'success';
	return attempt.status === 200;
}

/** Refused for a reason a first attempt could have had too: no credits, a checkout limit, a conflict. */
export function refused(sent: Sent, attempt: Attempt | undefined): boolean {
	if (!answered(attempt)) return false;
	if (sent.kind === 'admin-grant')
		return attempt.status === 200 && actionType(attempt) === 'failure';
	return [402, 409, 423, 429].includes(attempt.status);
}

/** The answer of a write that had been applied already: the API says so in a header, the form in its result. */
export function replayed(sent: Sent, attempt: Attempt | undefined): boolean {
	if (!answered(attempt)) return false;
	if (sent.kind !== 'admin-grant') return attempt.replayed;
	if (actionType(attempt) !== 'success') return false;
	// SvelteKit sends an action's result as devalue text: the outcome's status is one of its values.
	const { data } = JSON.parse(attempt.body) as { data: string };
	return (JSON.parse(data) as unknown[]).includes('replayed');
}

function actionType(attempt: Attempt & { body: string }): string | undefined {
	try {
		return (JSON.parse(attempt.body) as { type?: string }).type;
	} catch {
		return undefined;
	}
}
