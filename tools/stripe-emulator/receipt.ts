import type Stripe from 'stripe';
import type { Emulator } from './emulator';
import type { PageReply } from './hosted';
import { formatAmount } from './money';
import { escapeHtml, renderLayout, renderNotice } from './page';

/** `GET /receipts/payment/:charge`: the receipt a charge's `receipt_url` points to. */
export function showReceipt(emulator: Emulator, chargeId: string): PageReply {
	const charge = emulator.store.charges.get(chargeId);
	if (!charge?.paid)
		return { status: 404, html: renderNotice('Receipt not found', 'There is no such receipt.') };
	return { status: 200, html: renderReceipt(charge) };
}

function renderReceipt(charge: Stripe.Charge): string {
	const money = (amount: number) => escapeHtml(formatAmount(amount, charge.currency));
	const paidOn = new Date(charge.created * 1000).toISOString().slice(0, 10);
	const rows = [
		['Amount paid', money(charge.amount)],
		['Date paid', escapeHtml(paidOn)],
		['Payment method', escapeHtml(describeMethod(charge.payment_method_details))],
		...(charge.description ? [['Description', escapeHtml(charge.description)]] : []),
		...(charge.amount_refunded > 0 ? [['Refunded', money(charge.amount_refunded)]] : []),
		...(charge.receipt_email ? [['Sent to', escapeHtml(charge.receipt_email)]] : [])
	];
	const items = rows.map(([label, value]) => `<li><span>${label}</span><span>${value}</span></li>`);
	return renderLayout(
		'Your receipt',
		`<main><section class="card"><span class="badge">TEST MODE</span>
<h1>Receipt from Credits</h1><p class="total">${money(charge.amount)}</p>
<ul>${items.join('')}</ul><p class="hint">Receipt for ${escapeHtml(charge.id)}</p></section></main>`
	);
}

function describeMethod(details: Stripe.Charge.PaymentMethodDetails | null): string {
	if (details?.card) return `${details.card.brand} •••• ${details.card.last4}`;
	return details?.type === 'us_bank_account' ? 'US bank account' : 'Card';
}
