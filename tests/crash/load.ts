import { acknowledged } from './answers';
import { answered, type Driver, type Sent } from './driver';

export type Customer = { id: string; email: string; cookie: string };

export type LoadContext = {
	driver: Driver;
	apiKey: string;
	adminCookie: string;
	customers: Customer[];
	emulatorUrl: string;
	random: () => number;
};

/** Checkouts a user may open per run of the server (the app allows 10 in 10 minutes, in memory). */
const checkoutsPerServerRun = 8;
const card = '4242424242424242';

const between = (random: () => number, low: number, high: number) =>
	low + Math.floor(random() * (high - low + 1));

function api(context: LoadContext, path: string, body: Record<string, unknown>) {
	return {
		method: 'POST',
		path: `/api/v1${path}`,
		headers: { authorization: `Bearer ${context.apiKey}`, 'content-type': 'application/json' },
		body: JSON.stringify(body)
	};
}

function form(path: string, cookie: string, fields: Record<string, string>, origin: string) {
	return {
		method: 'POST',
		path,
		headers: {
			cookie,
			origin,
			accept: 'text/html',
			'content-type': 'application/x-www-form-urlencoded'
		},
		body: new URLSearchParams(fields).toString()
	};
}

function pickCustomer(context: LoadContext) {
	return context.customers[between(context.random, 0, context.customers.length - 1)];
}

export function spend(context: LoadContext, key: string) {
	const withMetadata = context.random() < 0.3;
	const body = {
		user_id: pickCustomer(context).id,
		amount: between(context.random, 1, 5),
		idempotency_key: key,
		reason: 'crash test spend',
		...(withMetadata && { metadata: { job: key } })
	};
	return context.driver.send({
		kind: 'spend',
		request: api(context, '/spend', body),
		ledgerKey: `api:${key}`,
		responseKey: key,
		withMetadata
	});
}

export function grant(context: LoadContext, key: string, userId = pickCustomer(context).id) {
	const body = {
		user_id: userId,
		amount: between(context.random, 1, 40),
		idempotency_key: key,
		reason: 'crash test grant',
		category: context.random() < 0.5 ? 'free' : 'paid'
	};
	return context.driver.send({
		kind: 'grant',
		request: api(context, '/grants', body),
		ledgerKey: `api:${key}`,
		responseKey: key
	});
}

/** A hold, then most often its capture (of part or all of it) or its release. */
async function holdThenResolve(context: LoadContext, key: string) {
	const amount = between(context.random, 1, 20);
	const body = {
		user_id: pickCustomer(context).id,
		amount,
		idempotency_key: `${key}-hold`,
		expires_in_seconds: 3600,
		reason: 'crash test job'
	};
	const hold = await context.driver.send({
		kind: 'hold',
		request: api(context, '/holds', body),
		ledgerKey: `api:${key}-hold`,
		responseKey: `${key}-hold`
	});
	if (!answered(hold.first) || hold.first.status !== 200) return;
	const holdId = (JSON.parse(hold.first.body) as { hold_id: number }).hold_id;
	const choice = context.random();
	if (choice < 0.55) {
		const captureKey = `${key}-capture`;
		await context.driver.send({
			kind: 'capture',
			request: api(context, `/holds/${holdId}/capture`, {
				amount: between(context.random, 1, amount),
				idempotency_key: captureKey
			}),
			ledgerKey: `api:${captureKey}`,
			responseKey: captureKey
		});
	} else if (choice < 0.9) {
		// Half the releases leave the key out: the API then keys them by the hold.
		const releaseKey = context.random() < 0.5 ? `${key}-release` : `release:hold:${holdId}`;
		const releaseBody = releaseKey.startsWith('release:') ? {} : { idempotency_key: releaseKey };
		await context.driver.send({
			kind: 'release',
			request: api(context, `/holds/${holdId}/release`, releaseBody),
			ledgerKey: `api:${releaseKey}`,
			responseKey: releaseKey
		});
	}
}

function adminGrant(context: LoadContext, key: string) {
	const user = pickCustomer(context);
	const formKey = `crash-${key}`;
	const fields = {
		amount: String(between(context.random, 1, 40)),
		reason: 'crash test admin grant',
		category: context.random() < 0.5 ? 'free' : 'paid',
		idempotencyKey: formKey,
		confirm: 'yes'
	};
	const request = form(
		`/admin/users/${user.id}?/grant`,
		context.adminCookie,
		fields,
		context.driver.appUrl
	);
	// The page's own enhanced form reads the action's result as JSON.
	request.headers.accept = 'application/json';
	return context.driver.send({ kind: 'admin-grant', request, ledgerKey: `admin-grant:${formKey}` });
}

/** Buys a package through the app's form and pays on the emulator's hosted page; Stripe's webhooks credit it. */
async function purchase(context: LoadContext, buyer: Customer) {
	const packageId = ['basic', 'standard', 'premium'][between(context.random, 0, 2)];
	const origin = context.driver.appUrl;
	const buy = await context.driver.send({
		kind: 'buy',
		request: form('/settings/credits?/buy', buyer.cookie, { packageId }, origin)
	});
	if (answered(buy.first) && buy.first.status === 303 && buy.first.location) {
		const url = new URL(buy.first.location);
		await context.driver.send({
			kind: 'pay',
			base: url.origin,
			request: {
				method: 'POST',
				path: url.pathname,
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams({ email: buyer.email, card_number: card }).toString()
			}
		});
	}
}

/**
 * `clients` loops, each sending one operation after another until the driver stops: spends, API
 * grants, holds with their capture or release, admin grants through the form, and purchases.
 */
export function runLoad(context: LoadContext, clients: number): Promise<void> {
	const checkouts = new Map<string, number>();
	let checkoutsOf = context.driver.server;
	const buyer = () => {
		if (checkoutsOf !== context.driver.server) {
			checkouts.clear();
			checkoutsOf = context.driver.server;
		}
		const customer = pickCustomer(context);
		const count = checkouts.get(customer.id) ?? 0;
		if (count >= checkoutsPerServerRun) return undefined;
		checkouts.set(customer.id, count + 1);
		return customer;
	};
	const operate = async (key: string) => {
		const choice = context.random();
		if (choice < 0.35) return spend(context, key);
		if (choice < 0.5) return grant(context, key);
		if (choice < 0.75) return holdThenResolve(context, key);
		if (choice < 0.85) return adminGrant(context, key);
		const customer = buyer();
		return customer ? purchase(context, customer) : spend(context, key);
	};
	return Promise.all(
		Array.from({ length: clients }, async (_, client) => {
			for (let n = 0; ; n++) {
				await context.driver.ready();
				if (context.driver.stopping) return;
				await operate(`c${client}-${n}`);
			}
		})
	).then(() => undefined);
}

/** Every write left unanswered, sent again with its key once the server is back. */
export async function retryUnanswered(driver: Driver): Promise<Sent[]> {
	const unanswered = driver.sent.filter((sent) => sent.ledgerKey && !answered(sent.first));
	for (const sent of unanswered) await driver.resend(sent, 'retry');
	return unanswered;
}

/** Every write a killed server had answered 200, sent again: its answer must have outlived the kill. */
export async function replayConfirmed(driver: Driver): Promise<Sent[]> {
	const confirmed = driver.sent.filter(
		(sent) => sent.ledgerKey && acknowledged(sent, sent.first) && sent.first.server < driver.server
	);
	for (const sent of confirmed) await driver.resend(sent, 'replay');
	return confirmed;
}
