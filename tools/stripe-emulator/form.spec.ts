import { describe, expect, it } from 'vitest';
import { parseForm } from './form';

describe('parseForm', () => {
	it('reads nested brackets and indexed arrays as the stripe client encodes them', () => {
		const body =
			'line_items[0][price]=price_1&line_items[0][quantity]=2&metadata[purchase_id]=p%201&mode=payment';
		expect(parseForm(body)).toEqual({
			line_items: [{ price: 'price_1', quantity: '2' }],
			metadata: { purchase_id: 'p 1' },
			mode: 'payment'
		});
	});

	it('appends empty-bracket keys and accepts percent-encoded brackets', () => {
		expect(parseForm('expand[]=line_items&expand%5B%5D=payment_intent')).toEqual({
			expand: ['line_items', 'payment_intent']
		});
	});

	it('orders arrays by index and decodes plus as space', () => {
		expect(parseForm('a[1]=second&a[0]=first+word')).toEqual({ a: ['first word', 'second'] });
	});

	it('keeps empty values, which Stripe reads as "unset"', () => {
		expect(parseForm('metadata[old]=&description=')).toEqual({
			metadata: { old: '' },
			description: ''
		});
	});
});
