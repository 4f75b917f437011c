import { ApiError, invalidRequest } from './errors';
import { formatAmount } from './money';

/** Stripe's presentment currencies (docs.stripe.com/currencies), lowercase as the API wants them. */
const SUPPORTED = new Set(
	(
		'usd aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd bwp byn ' +
		'bzd cad cdf chf clp cny cop crc cve czk djf dkk dop dzd egp etb eur fjd fkp gbp gel gip gmd gnf ' +
		'gtq gyd hkd hnl htg huf idr ils inr isk jmd jod jpy kes kgs khr kmf krw kwd kyd kzt lak lbp lkr ' +
		'lrd lsl mad mdl mga mkd mmk mnt mop mur mvr mwk mxn myr mzn nad ngn nio nok npr nzd omr pab pen ' +
		'pgk php pkr pln pyg qar ron rsd rub rwf sar sbd scr sek sgd shp sle sos srd std szl thb tjs tnd ' +
		'top try ttd twd tzs uah ugx uyu uzs vnd vuv wst xaf xcd xof xpf yer zar zmw'
	).split(' ')
);

/**
 * Stripe's published minimum charge amounts, in minor units, for the currencies that have their own
 * (docs.stripe.com/currencies#minimum-and-maximum-charge-amounts). Elsewhere Stripe asks for the
 * equivalent of 0.50 USD in the settlement currency, which needs exchange rates the emulator lacks.
 */
const MINIMUM_CHARGE: Record<string, number> = {
	usd: 50,
	aed: 200,
	aud: 50,
	bgn: 100,
	brl: 50,
	cad: 50,
	chf: 50,
	czk: 1500,
	dkk: 250,
	eur: 50,
	gbp: 30,
	hkd: 400,
	huf: 17500,
	inr: 50,
	jpy: 50,
	mxn: 1000,
	myr: 200,
	nok: 300,
	nzd: 50,
	pln: 200,
	ron: 200,
	sek: 300,
	sgd: 50,
	thb: 1000
};

/** `currency` lowercased, or Stripe's "Invalid currency" error naming `param`. */
export function requireCurrency(currency: string, param = 'currency'): string {
	const code = currency.toLowerCase();
	if (SUPPORTED.has(code)) return code;
	throw invalidRequest(
		`Invalid currency: ${code}. Stripe currently supports these currencies: ${[...SUPPORTED].join(', ')}`,
		param
	);
}

/** What Stripe answers when a payment would be smaller than the currency's minimum charge. */
export function requireMinimumCharge(amount: number, currency: string, param: string): void {
	const minimum = MINIMUM_CHARGE[currency] ?? 1;
	if (amount >= minimum) return;
	throw new ApiError(
		400,
		'invalid_request_error',
		`The Checkout Session's total amount due must add up to at least ${formatAmount(minimum, currency)} ${currency}`,
		'amount_too_small',
		param
	);
}
