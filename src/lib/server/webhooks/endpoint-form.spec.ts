import { describe, expect, it } from 'vitest';
import { parseEndpointForm } from './endpoint-form';

function form(fields: Record<string, string | string[]>) {
	const data = new FormData();
	for (const [name, value] of Object.entries(fields))
		for (const item of [value].flat()) data.append(name, item);
	return data;
}

describe('the register-endpoint form', () => {
	it('takes an https URL, the ticked events and a threshold for balance.low', () => {
		const parsed = parseEndpointForm(
			form({
				url: ' https://app.example.com/hooks ',
				eventTypes: ['balance.low', 'purchase.completed'],
				lowBalanceThreshold: '100',
				description: 'Production'
			})
		);
		expect(parsed).toMatchObject({
			ok: true,
			input: {
				url: 'https://app.example.com/hooks',
				eventTypes: ['purchase.completed', 'balance.low'],
				lowBalanceThreshold: 100,
				description: 'Production'
			}
		});
	});

	it.each([
		['ftp://files.example.com/in', 'Only http:// and https:// URLs can receive webhooks.'],
		['javascript:alert(1)', 'Only http:// and https:// URLs can receive webhooks.'],
		['app.example.com/hooks', 'Enter a full URL, like https://app.example.com/webhooks/credits.'],
		[
			'https://user:pass@app.example.com/',
			'Leave credentials out of the URL: every delivery is signed instead.'
		],
		['', 'Enter the URL that receives the webhooks.']
	])('refuses the URL %j next to its field', (url, message) => {
		const parsed = parseEndpointForm(form({ url, eventTypes: 'credits.granted' }));
		expect(parsed).toMatchObject({ ok: false, errors: { url: message } });
	});

	it('names every bad field at once and gives back what was typed', () => {
		const parsed = parseEndpointForm(
			form({ url: 'ftp://x', eventTypes: ['balance.low', 'nope'], lowBalanceThreshold: '' })
		);
		expect(parsed).toEqual({
			ok: false,
			values: { url: 'ftp://x', lowBalanceThreshold: '', eventTypes: 'balance.low,nope' },
			errors: {
				url: 'Only http:// and https:// URLs can receive webhooks.',
				eventTypes: 'Choose events from the list.',
				lowBalanceThreshold: 'balance.low needs a threshold in credits.'
			}
		});
	});

	it('refuses a threshold without balance.low, and one that is not a whole number', () => {
		expect(
			parseEndpointForm(
				form({ url: 'http://a.test/', eventTypes: 'credits.granted', lowBalanceThreshold: '5' })
			)
		).toMatchObject({
			ok: false,
			errors: { lowBalanceThreshold: expect.stringMatching(/^Only balance.low/) }
		});
		expect(
			parseEndpointForm(
				form({ url: 'http://a.test/', eventTypes: 'balance.low', lowBalanceThreshold: '1.5' })
			)
		).toMatchObject({
			ok: false,
			errors: { lowBalanceThreshold: 'Enter a whole number of credits, like 100.' }
		});
		expect(parseEndpointForm(form({ url: 'http://a.test/' }))).toMatchObject({
			ok: false,
			errors: { eventTypes: 'Choose at least one event to send.' }
		});
	});
});
