import { createHash } from 'node:crypto';
import type Stripe from 'stripe';
import { formatAmount } from './money';

export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1a1f36;background:#f6f9fc}
main{max-width:880px;margin:0 auto;padding:32px 20px;display:grid;gap:32px;grid-template-columns:repeat(auto-fit,minmax(300px,1fr))}
.badge{display:inline-block;background:#ffde92;color:#8a4b00;font-size:12px;font-weight:600;border-radius:4px;padding:2px 6px}
h1{font-size:18px;margin:8px 0 4px}.total{font-size:32px;font-weight:600;margin:0 0 16px}
ul{list-style:none;padding:0;margin:0}li{display:flex;justify-content:space-between;gap:12px;padding:8px 0;border-bottom:1px solid #e3e8ee}
form{display:grid;gap:12px}.field{display:grid;gap:4px;min-width:0}label{font-size:14px;color:#4f566b}
input[type=email],input[type=text]{font:inherit;padding:10px 12px;border:1px solid #cfd7df;border-radius:6px;background:#fff;width:100%}
.row{display:grid;grid-template-columns:1fr 1fr;gap:12px}.check{display:flex;gap:8px;align-items:center}
button{font:inherit;font-weight:600;padding:12px;border-radius:6px;border:0;cursor:pointer}
.pay{background:#635bff;color:#fff}.cancel{background:none;color:#635bff;text-decoration:underline;padding:4px;width:100%}
.error{color:#df1b41;background:#fff0f3;border-radius:6px;padding:8px 12px;margin:0 0 12px}
.hint{font-size:13px;color:#697386}.card{background:#fff;border-radius:8px;padding:24px;box-shadow:0 2px 8px #0000000f}`;

// The pages' one inline style, allowed by its hash: nothing injected into a page can style or script it.
const STYLE_SOURCE = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;
// Only a plain origin may join the policy: a host such as `a;script-src` would add a directive.
const PLAIN_ORIGIN = /^https?:\/\/([a-z0-9.-]+|\[[0-9a-f:.]+\])(:\d+)?$/i;

/**
 * The headers of every hosted page. `returnUrls` are where the page's forms lead: a payment or a
 * cancellation answers 303 to the merchant, and Chromium applies `form-action` to that redirect.
 */
export function pageHeaders(returnUrls: readonly (string | null)[] = []): Record<string, string> {
	const origins = new Set(
		returnUrls.flatMap((url) => {
			const origin = url && URL.canParse(url) ? new URL(url).origin : '';
			return PLAIN_ORIGIN.test(origin) ? [origin] : [];
		})
	);
	const policy = [
		"default-src 'none'",
		`style-src ${STYLE_SOURCE}`,
		`form-action ${["'self'", ...origins].join(' ')}`,
		"frame-ancestors 'none'",
		"base-uri 'none'"
	];
	return {
		'Content-Type': 'text/html; charset=utf-8',
		'Content-Security-Policy': policy.join('; '),
		'X-Content-Type-Options': 'nosniff',
		// The page's URL names the session: the merchant and anyone linked to learn nothing of it.
		'Referrer-Policy': 'same-origin',
		'X-Frame-Options': 'DENY'
	};
}

export function renderLayout(title: string, body: string): string {
	return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>${body}</body></html>`;
}

export interface CheckoutView {
	session: Stripe.Checkout.Session;
	lineItems: Stripe.LineItem[];
	prefilledEmail: string | null;
	email: string;
	error: string | null;
}

export function renderCheckoutPage({
	session,
	lineItems,
	prefilledEmail,
	email,
	error
}: CheckoutView): string {
	const currency = session.currency ?? 'usd';
	const total = formatAmount(session.amount_total ?? 0, currency);
	const items = lineItems
		.map((item) => {
			const quantity = item.quantity && item.quantity > 1 ? ` × ${item.quantity}` : '';
			return `<li><span>${escapeHtml(item.description ?? 'Item')}${quantity}</span><span>${escapeHtml(formatAmount(item.amount_total, currency))}</span></li>`;
		})
		.join('');
	const action = `/checkout/pay/${encodeURIComponent(session.id)}`;
	const emailValue = escapeHtml(prefilledEmail ?? email);
	const cancel = session.cancel_url
		? `<form method="post" action="${action}/cancel"><button class="cancel" type="submit">Cancel</button></form>`
		: '';
	return renderLayout(
		`Pay ${total}`,
		`<main>
<section aria-labelledby="summary"><span class="badge">TEST MODE</span>
<h1 id="summary">Pay Credits</h1><p class="total">${escapeHtml(total)}</p><ul>${items}</ul>
<p><strong>Total due</strong> ${escapeHtml(total)}</p></section>
<section class="card" aria-label="Payment">
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${action}">
<div class="field"><label for="email">Email</label><input id="email" type="email" name="email" autocomplete="email" value="${emailValue}" ${prefilledEmail ? 'readonly' : 'required'}></div>
<div class="field"><label for="card_number">Card number</label><input id="card_number" type="text" name="card_number" inputmode="numeric" autocomplete="cc-number" placeholder="1234 1234 1234 1234"></div>
<div class="row"><div class="field"><label for="expiry">Expiration</label><input id="expiry" type="text" name="expiry" autocomplete="cc-exp" placeholder="MM / YY"></div>
<div class="field"><label for="cvc">CVC</label><input id="cvc" type="text" name="cvc" inputmode="numeric" autocomplete="cc-csc" placeholder="123"></div></div>
<div class="field"><label for="country">Country or region</label><input id="country" type="text" name="country" autocomplete="country" value="US" maxlength="2"></div>
<div class="check"><input id="delayed" type="checkbox" name="delayed" value="1"><label for="delayed">Simulate a delayed payment (bank debit)</label></div>
<button class="pay" type="submit">Pay</button>
</form>
${cancel}
<p class="hint">Test cards: 4242 4242 4242 4242 pays · 4000 0000 0000 0002 is declined · 4000 0000 0000 9995 has insufficient funds.</p>
</section></main>`
	);
}

export function renderNotice(
	title: string,
	message: string,
	link: { href: string; text: string } | null = null
): string {
	const anchor = link
		? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.text)}</a></p>`
		: '';
	return renderLayout(
		title,
		`<main><section class="card"><span class="badge">TEST MODE</span><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>${anchor}</section></main>`
	);
}
