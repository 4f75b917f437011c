import type Stripe from 'stripe';
import { sessionCookieOf, uniqueEmail } from './helpers';
import type { PlannedPurchase } from './storm-plan';
import type { ServerProcess } from './server-process';

export type MadePurchase = PlannedPurchase & {
	userId: string;
	purchaseId: string;
	sessionId: string;
	intentId: string;
	chargeId: string;
	disputeId: string | null;
};

const password = 'storm password 1';

/**
 * Buys every planned purchase through the app and pays it on the emulator's hosted page, then
 * refunds and disputes it at Stripe as planned; `parallel` buyers at a time, each in order.
 */
export async function makePurchases(
	server: ServerProcess,
	stripe: Stripe,
	plan: PlannedPurchase[],
	parallel: number
): Promise<MadePurchase[]> {
	const buyers = new Map<number, PlannedPurchase[]>();
	for (const planned of plan)
		buyers.set(planned.buyer, [...(buyers.get(planned.buyer) ?? []), planned]);
	const queue = [...buyers.values()];
	const made: MadePurchase[] = [];
	await Promise.all(
		Array.from({ length: parallel }, async () => {
			for (let next = queue.shift(); next; next = queue.shift()) {
				const { userId, cookie } = await signUp(server);
				for (const planned of next)
					made.push(await buyAndReverse(server, stripe, { userId, cookie }, planned));
			}
		})
	);
	return made;
}

async function buyAndReverse(
	server: ServerProcess,
	stripe: Stripe,
	buyer: { userId: string; cookie: string },
	planned: PlannedPurchase
): Promise<MadePurchase> {
	const buy = await post(
		server,
		'/settings/credits?/buy',
		{ packageId: planned.packageId },
		buyer.cookie
	);
	const hosted = buy.headers.get('location');
	if (buy.status !== 303 || !hosted?.startsWith(server.emulatorUrl))
		throw new Error(`buy answered ${buy.status} ${hosted}`);
	const sessionId = new URL(hosted).pathname.split('/').pop()!;
	const payment: Record<string, string> = planned.delayed
		? { delayed: '1' }
		: { card_number: '4242424242424242' };
	const paid = await fetch(hosted, {
		method: 'POST',
		body: new URLSearchParams({ email: 'storm@e2e.test', ...payment }),
		redirect: 'manual'
	});
	if (paid.status !== 303) throw new Error(`paying answered ${paid.status}`);
	if (planned.delayed)
		await control(server, `checkout/sessions/${sessionId}/async_payment`, { result: 'succeeded' });

	const session = await stripe.checkout.sessions.retrieve(sessionId, {
		expand: ['payment_intent']
	});
	const intent = session.payment_intent as Stripe.PaymentIntent;
	const chargeId = intent.latest_charge as string;
	let disputeId: string | null = null;
	for (const reversal of planned.reversals) {
		if ('refundMinor' in reversal) {
			await stripe.refunds.create({ charge: chargeId, amount: reversal.refundMinor });
			continue;
		}
		disputeId = ((await control(server, `charges/${chargeId}/dispute`)) as Stripe.Dispute).id;
		if (reversal.dispute !== 'open')
			await control(server, `disputes/${disputeId}/close`, { status: reversal.dispute });
	}
	return {
		...planned,
		userId: buyer.userId,
		purchaseId: session.metadata!.purchase_id,
		sessionId,
		intentId: intent.id,
		chargeId,
		disputeId
	};
}

async function signUp(server: ServerProcess) {
	const email = uniqueEmail('storm');
	const response = await post(server, '/signup', { email, password });
	if (response.status !== 303) throw new Error(`sign-up answered ${response.status}`);
	const cookie = sessionCookieOf(response);
	const userId = await server.first<string>('select id from users where email = ?', email);
	return { userId, cookie };
}

function post(server: ServerProcess, path: string, form: Record<string, string>, cookie = '') {
	return fetch(`${server.url}${path}`, {
		method: 'POST',
		body: new URLSearchParams(form),
		redirect: 'manual',
		headers: { origin: server.url, accept: 'text/html', ...(cookie && { cookie }) }
	});
}

/** An emulator control (`/_emulator/…`): it acts as the card network and banks would. */
export async function control(
	server: ServerProcess,
	path: string,
	body: Record<string, string> = {}
): Promise<unknown> {
	const response = await fetch(`${server.emulatorUrl}/_emulator/${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body)
	});
	if (!response.ok) throw new Error(`emulator ${path} answered ${response.status}`);
	return response.json();
}
