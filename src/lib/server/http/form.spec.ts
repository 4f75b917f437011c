import { isHttpError } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { readForm } from './form';

function post(body: string, type = 'application/x-www-form-urlencoded') {
	return new Request('http://localhost/', {
		method: 'POST',
		body,
		headers: { 'content-type': type }
	});
}

async function refusal(read: Promise<unknown>) {
	const thrown = await read.then(
		() => null,
		(cause: unknown) => cause
	);
	return isHttpError(thrown) ? { status: thrown.status, message: thrown.body.message } : thrown;
}

describe('readForm', () => {
	it('reads a urlencoded form', async () => {
		const form = await readForm(post('packageId=basic&confirm=yes'));
		expect(Object.fromEntries(form)).toEqual({ packageId: 'basic', confirm: 'yes' });
	});

	it('refuses a field sent twice: form.get would read one copy and Object.fromEntries the other', async () => {
		expect(await refusal(readForm(post('packageId=nothing&packageId=basic')))).toEqual({
			status: 400,
			message: 'The form repeats the field "packageId". Reload the page and try again.'
		});
	});

	it('lets a repeatable field (checkboxes) come more than once', async () => {
		const form = await readForm(post('eventTypes=a&eventTypes=b&url=x'), {
			repeatable: ['eventTypes']
		});
		expect(form.getAll('eventTypes')).toEqual(['a', 'b']);
		expect(
			await refusal(readForm(post('url=x&url=y'), { repeatable: ['eventTypes'] }))
		).toMatchObject({ status: 400 });
	});

	it('refuses a body that is not a form with 415, and a broken multipart body with 400', async () => {
		expect(await refusal(readForm(post('a=1', 'text/plain')))).toMatchObject({ status: 415 });
		expect(
			await refusal(readForm(post('--x\r\nbroken', 'multipart/form-data; boundary=x')))
		).toMatchObject({ status: 400, message: expect.stringContaining('could not be read') });
	});
});
