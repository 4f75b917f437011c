const dateTime = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });
const date = new Intl.DateTimeFormat('en', { dateStyle: 'medium' });
const signed = new Intl.NumberFormat('en-US', { signDisplay: 'exceptZero' });

/** Money in minor units (999 usd is $9.99), with the currency's own number of decimals. */
export function formatMoney(amountMinor: number, currency: string, locale = 'en-US'): string {
	const format = new Intl.NumberFormat(locale, {
		style: 'currency',
		currency: currency.toUpperCase()
	});
	const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
	return format.format(amountMinor / 10 ** digits);
}

/** Thousands separators: 12,500. */
export function formatCount(value: number, locale = 'en-US'): string {
	return new Intl.NumberFormat(locale).format(value);
}

/** Credits are whole numbers, counted like any other. */
export const formatCredits = formatCount;

/** A change of balance, with its sign spelled out: +500, −20, 0. */
export function formatSignedCount(value: number): string {
	return signed.format(value);
}

export function formatDateTime(value: Date | number): string {
	return dateTime.format(value);
}

export function formatDate(value: Date | number): string {
	return date.format(value);
}
